package dev.stead.dsl.internal;

/**
 * The options of Hiera's {@code deep} merge that Stead reads, set in {@code lookup_options}:
 * {@code knockout_prefix} (a list item or value starting with it removes what it names from
 * the less specific levels, e.g. {@code --ntp1}) and {@code sort_merged_arrays} (every list
 * the merge unites comes out sorted). Immutable.
 *
 * @param knockoutPrefix null when there is none
 */
record DeepOptions(String knockoutPrefix, boolean sortMergedArrays) {
  static final DeepOptions NONE = new DeepOptions(null, false);

  /** True when {@code item} is a knockout, e.g. {@code --b} with prefix {@code --}. */
  boolean knocksOut(Object item) {
    return knockoutPrefix != null && item instanceof String s && s.startsWith(knockoutPrefix);
  }

  /** What a knockout item names: {@code --b} names {@code b}. */
  String knockedOut(String item) {
    return item.substring(knockoutPrefix.length());
  }
}
