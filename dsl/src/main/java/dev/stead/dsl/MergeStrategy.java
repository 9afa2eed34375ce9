package dev.stead.dsl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How {@code lookup} combines the values found at several levels of the data hierarchy; each
 * gives what Hiera 5's strategy of the same name gives.
 */
public enum MergeStrategy {
  /** The value of the most specific level that has the key (the default). */
  FIRST,
  /**
   * Every level's list, flattened (a single value counts as a one-element list), most specific
   * first, duplicates dropped; a map is an error.
   */
  UNIQUE,
  /** Maps merged key by key, top level only; the more specific level wins a key. */
  HASH,
  /**
   * Maps merged recursively and lists united (the less specific level's items first); the
   * more specific value wins anywhere else, except that a null never replaces a value.
   */
  DEEP;

  /** The name written in code: {@code first}, {@code unique}, {@code hash}, {@code deep}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<MergeStrategy> parse(String label) {
    return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
  }

  /** "first, unique, hash, deep", for error messages. */
  public static String labels() {
    return Arrays.stream(values()).map(MergeStrategy::label).collect(Collectors.joining(", "));
  }
}
