package dev.stead.master.storage;

import dev.stead.proto.v1.Report;
import java.time.Duration;

/**
 * Puts a report on the master's clock before it is stored. Agents date their own runs, and an
 * agent's clock may be wrong (or its owner hostile): a run dated in the future would stay the
 * node's newest report until that date, and retention, which deletes by start time, would
 * never reach it.
 *
 * <p>A run may claim to end at most {@link #CLOCK_SKEW_ALLOWANCE} after the master received
 * it (small drift between NTP-synced machines is normal). A run that claims to end later is
 * kept, not refused, because refusing would lose what the run did: its start time becomes the
 * receive time and the claimed start is kept in {@code claimed_started_at_ms}, so operators
 * see the agent's clock was off and by how much. Reports dated in the past are kept as dated:
 * they sort before newer runs, so they never replace a node's newest report, and retention
 * deletes them with the rest of their period. Stateless.
 */
public final class ReportTimes {
  /** How far an agent's clock may run ahead of the master's before its dates are replaced. */
  public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

  private ReportTimes() {}

  /**
   * {@code report} as it should be stored when received at {@code receivedAtMs}:
   * {@code received_at_ms} set, and the start time replaced when the run would end too far in
   * the future. Fields only the master sets are overwritten whatever the agent sent.
   */
  public static Report onMasterClock(Report report, long receivedAtMs) {
    Report.Builder stored = report.toBuilder()
        .setReceivedAtMs(receivedAtMs)
        .clearClaimedStartedAtMs();
    if (endsTooLate(report, receivedAtMs)) {
      stored.setStartedAtMs(receivedAtMs).setClaimedStartedAtMs(report.getStartedAtMs());
    }
    return stored.build();
  }

  /** True when {@code stored} had its start time replaced ({@link #onMasterClock}). */
  public static boolean wasRedated(Report stored) {
    return stored.getClaimedStartedAtMs() != 0;
  }

  /** The latest start time a report can have on the master's clock at {@code nowMs}. */
  public static long latestPlausibleStart(long nowMs) {
    return saturatedAdd(nowMs, CLOCK_SKEW_ALLOWANCE.toMillis());
  }

  private static boolean endsTooLate(Report report, long receivedAtMs) {
    double seconds = report.getSummary().getSeconds();
    // NaN, negative or infinite durations count as zero: the start time alone must then fit.
    long durationMs = Double.isFinite(seconds) && seconds > 0
        ? (long) Math.min(seconds * 1000.0, (double) Long.MAX_VALUE) : 0L;
    long end = saturatedAdd(report.getStartedAtMs(), durationMs);
    return end > latestPlausibleStart(receivedAtMs);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
