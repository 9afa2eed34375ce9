package dev.stead.master.metrics;

import java.util.Arrays;

/**
 * A Prometheus histogram with fixed upper bounds (seconds). Thread-safe; observations are
 * cheap (one lock, no allocation).
 */
public final class Histogram {
  private final double[] bounds;
  private final long[] counts;
  private long count;
  private double sum;

  /** @param bounds strictly increasing finite upper bounds; {@code +Inf} is implied */
  public Histogram(double... bounds) {
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException("histogram bounds must be finite and increasing: "
            + Arrays.toString(bounds));
      }
    }
    this.bounds = bounds.clone();
    this.counts = new long[bounds.length];
  }

  public synchronized void observe(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        counts[i]++;
      }
    }
    count++;
    sum += value;
  }

  /** Appends {@code name_bucket}, {@code name_sum} and {@code name_count} lines. */
  public synchronized void write(TextFormat out, String name, String help) {
    out.header(name, help, "histogram");
    for (int i = 0; i < bounds.length; i++) {
      out.sample(name + "_bucket", "le", TextFormat.number(bounds[i]), counts[i]);
    }
    out.sample(name + "_bucket", "le", "+Inf", count);
    out.sample(name + "_sum", sum);
    out.sample(name + "_count", count);
  }

  public synchronized long count() {
    return count;
  }
}
