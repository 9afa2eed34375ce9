package dev.stead.master.fleet;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Operator-friendly durations: {@code 90s}, {@code 30m}, {@code 24h}, {@code 14d}, {@code 2w}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhdw])");

  private Durations() {}

  /** @throws IllegalArgumentException naming {@code option} when {@code text} is malformed */
  public static Duration parse(String text, String option) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(option + ": '" + text
          + "' is not a duration such as 90s, 30m, 24h, 14d or 2w");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException(option + ": the duration must not be zero");
    }
    return d;
  }

  /** Milliseconds since the epoch, {@code text} ago. */
  public static long ago(String text, String option) {
    return Math.max(0, System.currentTimeMillis() - parse(text, option).toMillis());
  }
}
