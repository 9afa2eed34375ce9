package dev.stead.dsl.internal;

/**
 * The value of a one-line quoted string literal ({@code '…'} or {@code "…"} without
 * interpolation) in one pass. Groovy's parser runs four regular expressions over every literal
 * that holds a backslash; for the 1 KiB {@code content} strings of a large manifest that was a
 * fifth of a compile. Only the escapes whose meaning needs no context are handled here (a
 * backslash before one of {@code b t n f r s " ' \}); for anything else (unicode, octal, line
 * continuation, {@code \$}) {@link #value} answers null and Groovy's own code reads the
 * literal, so the value is Groovy's in every case.
 */
final class QuotedStrings {
  private QuotedStrings() {}

  /** The value of {@code token} (its text with the quotes), or null to let Groovy read it. */
  static String value(String token) {
    int length = token.length();
    if (length < 2) {
      return null;
    }
    char quote = token.charAt(0);
    if ((quote != '\'' && quote != '"') || token.charAt(length - 1) != quote
        || token.startsWith("'''") || token.startsWith("\"\"\"")) {
      return null;
    }
    int end = length - 1;
    int backslash = token.indexOf('\\', 1);
    if (backslash < 0 || backslash >= end) {
      return token.substring(1, end);
    }
    // Groovy's expressions look at what follows any backslash, escaped or not: wherever one
    // could match (unicode, octal, \$, line continuation), Groovy reads the literal.
    for (int i = backslash; i < end - 1; i++) {
      if (token.charAt(i) == '\\' && special(token.charAt(i + 1))) {
        return null;
      }
    }
    StringBuilder out = new StringBuilder(end - 1);
    out.append(token, 1, backslash);
    for (int i = backslash; i < end; i++) {
      char c = token.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i + 1 >= end || !simple(token.charAt(i + 1))) {
        return null;
      }
      out.append(escaped(token.charAt(++i)));
    }
    return out.toString();
  }

  private static boolean special(char c) {
    return (c >= '0' && c <= '7') || c == 'u' || c == '$' || c == '\r' || c == '\n';
  }

  private static boolean simple(char c) {
    return switch (c) {
      case 'b', 't', 'n', 'f', 'r', 's', '"', '\'', '\\' -> true;
      default -> false;
    };
  }

  private static char escaped(char c) {
    return switch (c) {
      case 'b' -> '\b';
      case 't' -> '\t';
      case 'n' -> '\n';
      case 'f' -> '\f';
      case 'r' -> '\r';
      case 's' -> ' ';
      default -> c;
    };
  }
}
