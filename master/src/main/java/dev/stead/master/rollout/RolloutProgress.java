package dev.stead.master.rollout;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutFailure;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a rollout moves on, as pure functions from one state to the next: a node's report
 * settles its place in the open wave, and {@link #advance} closes a wave that is due, then
 * halts, starts the next wave or completes. The same inputs give the same rollout, so a
 * restarted master (or another one on a shared store) decides as this one would. Stateless.
 */
public final class RolloutProgress {
  /** A wave ends once this share of its nodes has a result (or at its timeout). */
  static final double QUORUM = 0.9;
  /** At most this many failed nodes are named in a halt's reason. */
  private static final int NAMED_IN_HALT = 10;

  private RolloutProgress() {}

  /**
   * {@code rollout} with what {@code report} says about its node, when the node is in the
   * open wave and the report arrived after the wave began; else {@code rollout} itself. A
   * run on the new code counts as succeeded, or failed when the run failed; a run on the
   * cached catalog because the new code did not compile for the node counts as failed. A
   * later report replaces the node's earlier result while the wave is open.
   */
  public static Rollout record(Rollout rollout, Report report) {
    Optional<RolloutWave> open = openWaveOf(rollout, report.getNode(), report.getReceivedAtMs());
    if (open.isEmpty() || report.getTrigger() == RunTrigger.WATCH || report.hasTagLimit()) {
      return rollout;
    }
    String failure;
    if (report.getCatalogOrigin() == CatalogOrigin.CACHED_COMPILE_FAILED
        || report.getCompileErrorsCount() > 0) {
      failure = "compile failed: " + (report.getCompileErrorsCount() > 0
          ? report.getCompileErrors(0) : report.getError());
    } else if (report.getCodeVersion().equals(rollout.getCodeVersion())
        && report.getCatalogOrigin() != CatalogOrigin.CACHED_MASTER_UNREACHABLE) {
      failure = report.getStatus() == RunStatus.FAILED_RUN ? "failed run (report "
          + report.getId() + ", " + report.getSummary().getFailed() + " resources failed"
          + (report.getError().isEmpty() ? "" : ": " + report.getError()) + ")" : null;
    } else {
      // A run of the previous code, begun before the wave reached the node, or a run that
      // got no catalog at all (a compile failure is recorded as the master compiles).
      return rollout;
    }
    return settle(rollout, open.get(), report.getNode(), failure, report.getReceivedAtMs());
  }

  /**
   * {@code rollout} with {@code node} failed for {@code reason} at {@code atMs} (the new code
   * did not compile for it), when the node is in the open wave; else {@code rollout} itself.
   */
  public static Rollout fail(Rollout rollout, String node, String reason, long atMs) {
    Optional<RolloutWave> open = openWaveOf(rollout, node, atMs);
    return open.isEmpty() ? rollout : settle(rollout, open.get(), node, reason, atMs);
  }

  /** The open wave, when it holds {@code node} and began by {@code atMs}, and still counts. */
  private static Optional<RolloutWave> openWaveOf(Rollout rollout, String node, long atMs) {
    if (rollout.getPhase() != RolloutPhase.ROLLOUT_RUNNING
        && rollout.getPhase() != RolloutPhase.ROLLOUT_PAUSED) {
      return Optional.empty();
    }
    if (rollout.getWavesCount() == 0) {
      return Optional.empty();
    }
    // Called for every report: the last wave alone, without the set of every wave's nodes.
    RolloutWave last = rollout.getWaves(rollout.getWavesCount() - 1);
    return Optional.of(last).filter(w -> w.getEndedAtMs() == 0
        && atMs >= w.getStartedAtMs() && w.getNodesList().contains(node));
  }

  /** The node's result in {@code wave}: succeeded when {@code failure} is null. */
  private static Rollout settle(Rollout rollout, RolloutWave wave, String node, String failure,
      long atMs) {
    RolloutWave.Builder settled = wave.toBuilder().clearSucceeded().clearFailures();
    wave.getSucceededList().stream().filter(n -> !n.equals(node)).forEach(settled::addSucceeded);
    wave.getFailuresList().stream().filter(f -> !f.getNode().equals(node))
        .forEach(settled::addFailures);
    if (failure == null) {
      settled.addSucceeded(node);
    } else {
      settled.addFailures(RolloutFailure.newBuilder().setNode(node).setReason(failure));
    }
    RolloutWave after = settled.build();
    if (after.equals(wave)) {
      return rollout;
    }
    return rollout.toBuilder().setWaves(rollout.getWavesCount() - 1, after)
        .setUpdatedAtMs(Math.max(rollout.getUpdatedAtMs(), atMs)).build();
  }

  /**
   * The next state of a running rollout at {@code nowMs}, with {@code nodes} the
   * environment's nodes now (asked only when a wave is to be planned): the open wave ends once {@link #QUORUM} of its nodes have a
   * result or its timeout passed (nodes without a result then fail); a wave whose failure
   * share is above the rollout's limit halts it; otherwise the next wave starts, or, when
   * every node is in a wave, the rollout completes. Anything not running is returned as is.
   */
  public static Rollout advance(Rollout rollout, Supplier<? extends Collection<String>> nodes,
      long nowMs) {
    if (rollout.getPhase() != RolloutPhase.ROLLOUT_RUNNING) {
      return rollout;
    }
    Rollout.Builder next = rollout.toBuilder();
    RolloutState state = new RolloutState(rollout);
    Optional<RolloutWave> open = state.openWave();
    if (open.isPresent()) {
      RolloutWave wave = open.get();
      int settled = wave.getSucceededCount() + wave.getFailuresCount();
      boolean quorum = settled >= Math.ceil(QUORUM * wave.getNodesCount() - 1e-9);
      boolean timedOut = nowMs >= wave.getStartedAtMs() + rollout.getWaveTimeoutMs();
      if (!quorum && !timedOut) {
        return rollout;
      }
      RolloutWave ended = end(wave, quorum, rollout.getWaveTimeoutMs(), nowMs);
      next.setWaves(rollout.getWavesCount() - 1, ended).setUpdatedAtMs(nowMs);
      double share = 100.0 * ended.getFailuresCount() / ended.getNodesCount();
      if (share > rollout.getMaxFailuresPercent()) {
        return next.setPhase(RolloutPhase.ROLLOUT_HALTED)
            .setHaltReason(haltReason(ended, share, rollout.getMaxFailuresPercent())).build();
      }
    }
    Collection<String> now = nodes.get();
    List<String> added = WavePlanner.nextWave(rollout.getId(), now, state.inWaves(),
        rollout.getWavesCount() + 1, rollout.getCanaryPercent(), rollout.getStepPercent());
    next.setEnvironmentNodes(now.size()).setUpdatedAtMs(nowMs);
    if (added.isEmpty()) {
      return next.setPhase(RolloutPhase.ROLLOUT_COMPLETED).build();
    }
    return next.addWaves(RolloutWave.newBuilder().setNumber(rollout.getWavesCount() + 1)
        .addAllNodes(added).setStartedAtMs(nowMs)).build();
  }

  /** {@code wave} ended at {@code nowMs}; at a timeout, its nodes without a result fail. */
  private static RolloutWave end(RolloutWave wave, boolean quorum, long timeoutMs, long nowMs) {
    RolloutWave.Builder ended = wave.toBuilder().setEndedAtMs(nowMs);
    if (!quorum) {
      List<String> settled = new ArrayList<>(wave.getSucceededList());
      wave.getFailuresList().forEach(f -> settled.add(f.getNode()));
      for (String node : wave.getNodesList()) {
        if (!settled.contains(node)) {
          ended.addFailures(RolloutFailure.newBuilder().setNode(node)
              .setReason("no report on the new code within " + duration(timeoutMs)));
        }
      }
    }
    return ended.build();
  }

  private static String haltReason(RolloutWave wave, double share, double max) {
    StringBuilder reason = new StringBuilder(String.format(Locale.ROOT,
        "wave %d: %d of %d nodes failed (%.1f%%, more than the %s%% allowed): ",
        wave.getNumber(), wave.getFailuresCount(), wave.getNodesCount(), share,
        percent(max)));
    List<RolloutFailure> failures = wave.getFailuresList();
    for (int i = 0; i < Math.min(NAMED_IN_HALT, failures.size()); i++) {
      reason.append(i == 0 ? "" : "; ").append(failures.get(i).getNode()).append(": ")
          .append(failures.get(i).getReason());
    }
    if (failures.size() > NAMED_IN_HALT) {
      reason.append("; and ").append(failures.size() - NAMED_IN_HALT).append(" more");
    }
    return reason.toString();
  }

  /** {@code 2} for 2.0, {@code 2.5} for 2.5. */
  public static String percent(double value) {
    return value == Math.rint(value) ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  /** {@code 10m}, {@code 90s}, {@code 1h30m}, {@code 1500ms}. */
  public static String duration(long ms) {
    Duration d = Duration.ofMillis(ms);
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    StringBuilder out = new StringBuilder();
    if (d.toHours() > 0) {
      out.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || out.isEmpty()) {
      out.append(d.toSecondsPart()).append('s');
    }
    return out.toString();
  }
}
