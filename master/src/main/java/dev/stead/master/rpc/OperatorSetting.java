package dev.stead.master.rpc;

/**
 * An operator's choice for this process, from a system property or, when that is unset, an
 * environment variable; {@code auto} when neither is set. The source is named in errors and
 * log lines, so the operator knows which setting to change. Immutable.
 *
 * @param value what was set ({@code auto} by default)
 * @param source {@code -Dproperty}, the variable's name, or {@code default}
 */
record OperatorSetting(String value, String source) {
  /** The property wins over the variable: it is the more specific of the two. */
  static OperatorSetting read(String property, String environment) {
    String set = System.getProperty(property);
    if (set != null && !set.isBlank()) {
      return new OperatorSetting(set, "-D" + property);
    }
    set = System.getenv(environment);
    if (set != null && !set.isBlank()) {
      return new OperatorSetting(set, environment);
    }
    return new OperatorSetting("auto", "default");
  }
}
