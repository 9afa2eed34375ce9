package dev.stead.bench.fleet;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** One JSON object, written in insertion order: the simulator's output lines. */
final class Json {
  /** Text written as is (already JSON). */
  record Raw(String json) {}

  private final StringBuilder out = new StringBuilder("{");

  Json add(String key, Object value) {
    if (out.length() > 1) {
      out.append(',');
    }
    out.append('"').append(key).append("\":").append(value(value));
    return this;
  }

  private static String value(Object v) {
    if (v instanceof Json j) {
      return j.toString();
    }
    if (v instanceof Raw r) {
      return r.json();
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof Map<?, ?> m) {
      Json j = new Json();
      m.forEach((k, x) -> j.add(k.toString(), x));
      return j.toString();
    }
    return '"' + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Percentiles of a histogram of microseconds, in milliseconds. */
  static Json latency(Histogram h) {
    return new Json().add("n", h.getTotalCount())
        .add("p50", h.getValueAtPercentile(50) / 1000.0)
        .add("p95", h.getValueAtPercentile(95) / 1000.0)
        .add("p99", h.getValueAtPercentile(99) / 1000.0)
        .add("max", h.getMaxValue() / 1000.0);
  }

  static Json sample(MasterProbe.Sample s) {
    return new Json().add("cpu_s", s.cpuSeconds()).add("rss_mb", s.rssBytes() / 1048576.0)
        .add("fds", s.fds()).add("threads", s.threads())
        .add("disk_mb", s.diskBytes() / 1048576.0);
  }

  @Override
  public String toString() {
    return out + "}";
  }
}
