package dev.stead.master;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Gives the C heap's free memory back to the system every {@link #INTERVAL}. glibc keeps what
 * a process freed in its arenas for the next allocation; RocksDB's compactions and Netty's
 * threads free in bursts, so a master's RSS kept the high-water mark of its largest compaction:
 * 1,076 MB, of which 269 MB free memory a trim returned (10,000 agents at 33 runs/s; see
 * docs/fleet-simulation.md). The JVM's own diagnostic command does the trim ({@code
 * System.trim_native_heap}, glibc's {@code malloc_trim}), without a safepoint: under a
 * millisecond when little is free, 12-23 ms to give back 124-280 MB, while threads allocating
 * C memory from the arena being trimmed wait. Where the JVM lacks it (not glibc, or an older
 * JDK) the first attempt says so once and the trims stop.
 */
final class NativeHeapTrim implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(NativeHeapTrim.class.getName());
  private static final String COMMAND = "systemTrimNativeHeap";

  private final ScheduledExecutorService timer;

  private NativeHeapTrim(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Trims every {@link #INTERVAL} from one interval after now, on a daemon thread. */
  static NativeHeapTrim start() {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "native-heap-trim");
      t.setDaemon(true);
      return t;
    });
    NativeHeapTrim trim = new NativeHeapTrim(timer);
    long every = INTERVAL.toMillis();
    timer.scheduleWithFixedDelay(trim::trimOrStop, every, every, TimeUnit.MILLISECONDS);
    return trim;
  }

  private void trimOrStop() {
    Optional<String> report = trimOnce();
    if (report.isEmpty()) {
      timer.shutdown();
      return;
    }
    LOG.fine(report.get());
  }

  /**
   * One trim now: the JVM's report ({@code Trim native heap: RSS+Swap: A->B (-C)}), or empty
   * when this JVM cannot trim (logged once, at the first attempt).
   */
  static Optional<String> trimOnce() {
    try {
      Object report = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), COMMAND,
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      String text = String.valueOf(report).strip();
      // Where the platform cannot trim, the command answers rather than failing.
      if (!text.startsWith("Trim native heap:")) {
        LOG.info("the C heap is not trimmed on this JVM: " + text);
        return Optional.empty();
      }
      return Optional.of(text);
    } catch (JMException | RuntimeException e) {
      LOG.log(Level.INFO, "the C heap is not trimmed on this JVM: " + e, e);
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
