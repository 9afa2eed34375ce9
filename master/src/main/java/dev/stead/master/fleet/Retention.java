package dev.stead.master.fleet;

import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.ReportTimes;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.NodeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes reports older than the retention period, at start and then every hour, and
 * compacts the database so that the space really goes back to the disk. A failed pass is
 * logged and retried at the next one; it never stops the master.
 *
 * <p>Each pass also deletes reports dated after {@link ReportTimes#latestPlausibleStart now}:
 * the master re-dates such reports when it receives them, so these were stored by an older
 * master that trusted the agent's clock, or while the master's own clock ran ahead. Left
 * alone they would outlive every cutoff. Nodes whose summary came from one are refreshed.
 */
public final class Retention implements AutoCloseable {
  public static final Duration DEFAULT = Duration.ofDays(14);
  private static final Logger LOG = Logger.getLogger(Retention.class.getName());
  private final Store store;
  private final Nodes nodes;
  private final Duration keep;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private Retention(Store store, Nodes nodes, Duration keep, Clock clock) {
    if (keep.isNegative() || keep.isZero()) {
      throw new IllegalArgumentException("report retention must be positive, got " + keep);
    }
    this.store = store;
    this.nodes = nodes;
    this.keep = keep;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stead-report-retention");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts the hourly schedule; the first pass runs a minute after start. */
  public static Retention start(Store store, Nodes nodes, Duration keep, Clock clock) {
    Retention retention = new Retention(store, nodes, keep, clock);
    retention.timer.scheduleWithFixedDelay(retention::runQuietly, 1, 60, TimeUnit.MINUTES);
    return retention;
  }

  /** One pass now: returns how many reports were deleted. */
  public int expireNow() {
    long now = clock.millis();
    long latest = ReportTimes.latestPlausibleStart(now);
    int fromTheFuture = store.expireReportsStartedAfter(latest);
    if (fromTheFuture > 0) {
      LOG.warning("deleted " + fromTheFuture + " reports dated more than "
          + ReportTimes.CLOCK_SKEW_ALLOWANCE.toMinutes() + " min in the future");
      for (NodeInfo node : store.nodes()) {
        if (node.getLastReportMs() > latest) {
          nodes.reported(node.getName());
        }
      }
    }
    return fromTheFuture + store.expireReports(now - keep.toMillis());
  }

  private void runQuietly() {
    try {
      int deleted = expireNow();
      if (deleted > 0) {
        LOG.info("deleted " + deleted + " reports older than " + keep.toDays() + " days");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "report retention failed; retrying in an hour", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
