package dev.stead.master.fleet;

import java.util.regex.Pattern;

/** Shell-style globs over names: {@code *} any run of characters, {@code ?} one character. */
public final class Globs {
  private Globs() {}

  /** Whether {@code text} has a wildcard, as opposed to naming one thing. */
  public static boolean isGlob(String text) {
    return text != null && (text.indexOf('*') >= 0 || text.indexOf('?') >= 0);
  }

  /** The pattern matching whole names against {@code glob}; an empty glob matches all. */
  public static Pattern compile(String glob) {
    if (glob == null || glob.isEmpty()) {
      return Pattern.compile(".*", Pattern.DOTALL);
    }
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
