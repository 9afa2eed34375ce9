package dev.stead.bench.fleet;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the simulated agents saw, counted from many threads: latencies (microseconds, from the
 * moment a call was due, so a late client shows as latency instead of hiding it) and counts.
 * {@link #period()} takes the counts since the last call and adds them to the running total.
 */
final class Stats {
  private final Recorder catalogLatency = new Recorder(3);
  private final Recorder reportLatency = new Recorder(3);
  private final LongAdder catalogs = new LongAdder();
  private final LongAdder unchanged = new LongAdder();
  private final LongAdder reports = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  void catalog(long dueNanos, boolean wasUnchanged) {
    catalogLatency.recordValue(micros(dueNanos));
    catalogs.increment();
    if (wasUnchanged) {
      unchanged.increment();
    }
  }

  void report(long dueNanos) {
    reportLatency.recordValue(micros(dueNanos));
    reports.increment();
  }

  /** A check-in that was due while the same agent's previous one had not finished. */
  void late() {
    late.increment();
  }

  void error(String call, Throwable t) {
    String key = call + " " + Status.fromThrowable(t).getCode();
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  Period period() {
    Map<String, Long> e = new TreeMap<>();
    errors.forEach((k, v) -> {
      long n = v.sumThenReset();
      if (n > 0) {
        e.put(k, n);
      }
    });
    return new Period(catalogLatency.getIntervalHistogram(), reportLatency.getIntervalHistogram(),
        catalogs.sumThenReset(), unchanged.sumThenReset(), reports.sumThenReset(),
        late.sumThenReset(), e);
  }

  private static long micros(long dueNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - dueNanos));
  }

  /** Counts over one stretch of time; {@link #plus} sums stretches. */
  record Period(Histogram catalogLatency, Histogram reportLatency, long catalogs,
      long unchanged, long reports, long late, Map<String, Long> errors) {
    static Period empty() {
      return new Period(new Histogram(3), new Histogram(3), 0, 0, 0, 0, Map.of());
    }

    Period plus(Period o) {
      Histogram c = catalogLatency.copy();
      c.add(o.catalogLatency);
      Histogram r = reportLatency.copy();
      r.add(o.reportLatency);
      Map<String, Long> e = new TreeMap<>(errors);
      o.errors.forEach((k, v) -> e.merge(k, v, Long::sum));
      return new Period(c, r, catalogs + o.catalogs, unchanged + o.unchanged,
          reports + o.reports, late + o.late, e);
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
