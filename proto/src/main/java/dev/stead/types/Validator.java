package dev.stead.types;

/**
 * The rule one string value of a parameter must follow, shared by the compiler (which reports
 * a break at the file and line that set the value) and the agent (which fails the resource).
 * Stateless and thread-safe.
 */
@FunctionalInterface
public interface Validator {
  /** Accepts every value. */
  Validator ANY = value -> null;

  /**
   * Null when {@code value} follows the rule, else what the rule wants, written to follow
   * the parameter's name: "must be a user name such as www-data".
   */
  String problem(String value);
}
