package dev.stead.master.metrics;

/**
 * Builds a page of the Prometheus text exposition format (0.0.4): {@code # HELP} and
 * {@code # TYPE} headers, then samples with escaped label values. Not thread-safe; one per
 * scrape.
 */
public final class TextFormat {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final StringBuilder out = new StringBuilder();

  public TextFormat header(String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ')
        .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  public TextFormat sample(String name, double value) {
    out.append(name).append(' ').append(number(value)).append('\n');
    return this;
  }

  /** A sample with labels given as name, value, name, value, ... */
  public TextFormat sample(String name, Object... labelsThenValue) {
    if (labelsThenValue.length % 2 != 1) {
      throw new IllegalArgumentException("labels come in pairs, then the value");
    }
    out.append(name).append('{');
    for (int i = 0; i + 1 < labelsThenValue.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(labelsThenValue[i]).append("=\"")
          .append(String.valueOf(labelsThenValue[i + 1]).replace("\\", "\\\\")
              .replace("\"", "\\\"").replace("\n", "\\n"))
          .append('"');
    }
    Object value = labelsThenValue[labelsThenValue.length - 1];
    out.append("} ").append(number(((Number) value).doubleValue())).append('\n');
    return this;
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
