package dev.stead.agent.host;

/** Cuts text for reports so one chatty command cannot bloat a report. Stateless. */
public final class Bounded {
  private Bounded() {}

  /** The last {@code limit} characters of {@code text}, marked when cut. */
  public static String tail(String text, int limit) {
    if (text.length() <= limit) {
      return text;
    }
    return "[... " + (text.length() - limit) + " characters cut]\n"
        + text.substring(text.length() - limit);
  }

  /** The first {@code limit} characters of {@code text}, marked when cut. */
  public static String head(String text, int limit) {
    if (text.length() <= limit) {
      return text;
    }
    return text.substring(0, limit) + "\n[... " + (text.length() - limit) + " characters cut]";
  }
}
