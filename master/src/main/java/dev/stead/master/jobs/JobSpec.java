package dev.stead.master.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * What an operator asked for: which nodes (a glob), noop or not, how many at a time, how long
 * each triggered node has to report. Immutable.
 */
public record JobSpec(String nodes, boolean noop, int batch, Duration timeout) {
  public static final int DEFAULT_BATCH = 10;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final int MAX_BATCH = 10_000;
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  public JobSpec {
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(timeout, "timeout");
    if (nodes.isBlank()) {
      throw new IllegalArgumentException("nodes: give a node name or a glob such as 'web*'");
    }
    if (batch < 1 || batch > MAX_BATCH) {
      throw new IllegalArgumentException("batch must be between 1 and " + MAX_BATCH
          + ", got " + batch);
    }
    if (timeout.toMillis() < 1 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be between 1 ms and 24 h, got "
          + timeout);
    }
  }

  /** From a request's fields, where 0 means the default. */
  public static JobSpec of(String nodes, boolean noop, int batch, long timeoutMs) {
    if (batch < 0) {
      throw new IllegalArgumentException("batch must be between 1 and " + MAX_BATCH
          + ", got " + batch);
    }
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeoutMs
          + " ms");
    }
    return new JobSpec(nodes, noop, batch == 0 ? DEFAULT_BATCH : batch,
        timeoutMs == 0 ? DEFAULT_TIMEOUT : Duration.ofMillis(timeoutMs));
  }
}
