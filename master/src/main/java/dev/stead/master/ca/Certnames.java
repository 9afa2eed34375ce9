package dev.stead.master.ca;

import java.util.regex.Pattern;

/**
 * What a node may be called: lower-case letters, digits, dots and dashes, starting and
 * ending with a letter or digit, at most 253 characters (a DNS name), and never the admin's
 * name. These names become database keys and certificate CNs, so the rule is strict.
 */
public final class Certnames {
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  private static final int MAX_LENGTH = 253;

  private Certnames() {}

  /** Null when {@code name} is acceptable, else why not (one line, names the value). */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "certname is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "certname is longer than " + MAX_LENGTH + " characters";
    }
    if (!VALID.matcher(name).matches()) {
      return "certname '" + printable(name) + "' is not valid: use lower-case letters, digits,"
          + " '.' and '-', starting and ending with a letter or digit";
    }
    if (name.equals(AdminCredentials.COMMON_NAME)) {
      return "certname '" + name + "' is reserved for the master's admin certificate";
    }
    return null;
  }

  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
