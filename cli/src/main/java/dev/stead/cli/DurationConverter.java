package dev.stead.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or bare seconds ({@code 300}). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Matcher m = Pattern.compile("(\\d{1,9})(ms|s|m|h)?")
        .matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("`" + value
          + "` is not a duration (examples: 500ms, 30s, 5m, 2h)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.isZero()) {
      throw new TypeConversionException("`" + value + "` is zero; give a positive duration");
    }
    return d;
  }
}
