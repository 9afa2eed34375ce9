package dev.stead.master.web;

/** Text from a request made safe for one log line. */
final class LogText {
  static final int MAX_LENGTH = 100;

  private LogText() {}

  /**
   * {@code text} with line breaks and other control characters written as escapes
   * (a newline as backslash-n, U+2028 as backslash-u2028, a backslash doubled), so that it
   * cannot start a log line of its own, and cut to {@link #MAX_LENGTH} characters.
   */
  static String quote(String text) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(text.length(), MAX_LENGTH);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      int type = Character.getType(c);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > end) {
      out.append("...");
    }
    return out.toString();
  }
}
