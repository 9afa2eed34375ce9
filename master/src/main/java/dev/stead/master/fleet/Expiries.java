package dev.stead.master.fleet;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * When something ends, as an operator writes it: a duration from now ({@code 7d}, {@code 12h})
 * or an ISO-8601 time ({@code 2026-12-31T18:00:00Z}, with an offset, or a date or local time,
 * read as UTC).
 */
public final class Expiries {
  private Expiries() {}

  /**
   * Milliseconds since the epoch.
   *
   * @throws IllegalArgumentException naming {@code option} when {@code text} is neither form
   */
  public static long parse(String text, String option, long nowMs) {
    String t = text.strip();
    if (t.matches("\\d+[a-zA-Z]")) {
      return nowMs + Durations.parse(t, option).toMillis();
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException notInstant) {
      // try the other ISO forms
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException notOffset) {
      // try the other ISO forms
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException notLocal) {
      // try a date
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException notDate) {
      throw new IllegalArgumentException(option + ": '" + text + "' is neither a duration "
          + "such as 12h or 7d nor an ISO-8601 time such as 2026-12-31T18:00:00Z");
    }
  }
}
