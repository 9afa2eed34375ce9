package dev.stead.master.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutFailure;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link RolloutProgress}: reports settle the open wave's nodes; a wave ends at 90% or at its
 * timeout; a failure share above the limit halts with the nodes and reasons; the last wave
 * completes. Deterministic: the rollout id seeds the order, times are given.
 */
class RolloutProgressTest {
  private static final String NEW = "sha256:new";
  private static final List<String> NODES =
      IntStream.rangeClosed(1, 20).mapToObj(i -> "n" + i).toList();

  private static Rollout running(double maxFailures) {
    return Rollout.newBuilder().setId("0123456789ab").setEnvironment("production")
        .setCodeVersion(NEW).setReleaseDirectory("/data/rollouts/0123456789ab")
        .setCanaryPercent(10).setStepPercent(50).setMaxFailuresPercent(maxFailures)
        .setWaveTimeoutMs(60_000).setPhase(RolloutPhase.ROLLOUT_RUNNING).build();
  }

  private static Report report(String node, long at, String version, RunStatus status) {
    return Report.newBuilder().setId("r-" + node + "-" + at).setNode(node).setCodeVersion(version)
        .setStatus(status).setReceivedAtMs(at).setCatalogOrigin(CatalogOrigin.FRESH)
        .setTrigger(RunTrigger.SCHEDULED)
        .setSummary(ReportSummary.newBuilder().setFailed(status == RunStatus.FAILED_RUN ? 1 : 0))
        .build();
  }

  private static Rollout allReport(Rollout r, long at) {
    for (String node : r.getWaves(r.getWavesCount() - 1).getNodesList()) {
      r = RolloutProgress.record(r, report(node, at, NEW, RunStatus.CHANGED_RUN));
    }
    return r;
  }

  @Test
  void wavesFollowEachOtherAsTheirNodesReportAndTheLastOneCompletes() {
    Rollout r = RolloutProgress.advance(running(0), () -> NODES, 1_000);
    assertThat(r.getWavesList()).extracting(RolloutWave::getNodesCount).containsExactly(2);
    assertThat(r.getWaves(0).getNodesList())
        .isEqualTo(WavePlanner.order(r.getId(), NODES).subList(0, 2));
    RolloutState canary = new RolloutState(r);
    String in = r.getWaves(0).getNodes(0);
    String out = NODES.stream().filter(n -> !canary.inWaves().contains(n)).findFirst()
        .orElseThrow();
    assertThat(canary.releaseFor(in)).contains("0123456789ab");
    assertThat(canary.releaseFor(out)).isEmpty();

    // Nothing reported yet, timeout not reached: the wave waits.
    assertThat(RolloutProgress.advance(r, () -> NODES, 30_000)).isEqualTo(r);
    r = RolloutProgress.advance(allReport(r, 2_000), () -> NODES, 3_000);
    assertThat(r.getWavesList()).extracting(RolloutWave::getNodesCount).containsExactly(2, 10);
    assertThat(r.getWaves(0).getSucceededList()).hasSize(2);
    assertThat(r.getWaves(0).getEndedAtMs()).isEqualTo(3_000);
    r = RolloutProgress.advance(allReport(r, 4_000), () -> NODES, 5_000);
    assertThat(r.getWavesList()).extracting(RolloutWave::getNodesCount)
        .containsExactly(2, 10, 8);
    r = RolloutProgress.advance(allReport(r, 6_000), () -> NODES, 7_000);
    assertThat(r.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_COMPLETED);
    assertThat(new RolloutState(r).releaseFor(out)).contains("0123456789ab");
    assertThat(new RolloutState(r).servedAfter()).contains("0123456789ab");
  }

  @Test
  void aWaveEndsOnceNinetyPercentReportedWithoutCountingTheRestAsFailed() {
    Rollout r = RolloutProgress.advance(running(0), () -> NODES, 1_000);
    r = RolloutProgress.advance(allReport(r, 2_000), () -> NODES, 3_000);
    List<String> second = r.getWaves(1).getNodesList();
    for (int i = 0; i < 8; i++) {
      r = RolloutProgress.record(r, report(second.get(i), 4_000, NEW, RunStatus.UNCHANGED));
    }
    assertThat(RolloutProgress.advance(r, () -> NODES, 5_000).getWavesCount()).isEqualTo(2);
    r = RolloutProgress.record(r, report(second.get(8), 4_000, NEW, RunStatus.UNCHANGED));
    r = RolloutProgress.advance(r, () -> NODES, 5_000);
    assertThat(r.getWavesCount()).isEqualTo(3);
    assertThat(r.getWaves(1).getFailuresList()).isEmpty();
    assertThat(r.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_RUNNING);
  }

  @Test
  void aFailedCanaryHaltsNamingTheNodeAndWhyAndTheWaveStopsWidening() {
    Rollout r = RolloutProgress.advance(running(2), () -> NODES, 1_000);
    List<String> canary = r.getWaves(0).getNodesList();
    r = RolloutProgress.record(r, report(canary.get(0), 2_000, NEW, RunStatus.UNCHANGED));
    Report compileFailed = report(canary.get(1), 2_000, "sha256:old", RunStatus.UNCHANGED)
        .toBuilder().setCatalogOrigin(CatalogOrigin.CACHED_COMPILE_FAILED)
        .addCompileErrors("site.groovy:3: not ready").build();
    r = RolloutProgress.advance(RolloutProgress.record(r, compileFailed), () -> NODES, 3_000);
    assertThat(r.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_HALTED);
    assertThat(r.getWavesCount()).isEqualTo(1);
    assertThat(r.getHaltReason()).isEqualTo("wave 1: 1 of 2 nodes failed (50.0%, more than the"
        + " 2% allowed): " + canary.get(1) + ": compile failed: site.groovy:3: not ready");
    // Halted: neither reports nor time move it.
    assertThat(RolloutProgress.advance(r, () -> NODES, 10_000_000)).isEqualTo(r);
    // Resumed (by an operator), the next wave starts.
    Rollout resumed = r.toBuilder().setPhase(RolloutPhase.ROLLOUT_RUNNING).build();
    assertThat(RolloutProgress.advance(resumed, () -> NODES, 20_000).getWavesCount())
        .isEqualTo(2);
  }

  @Test
  void atTheTimeoutNodesWithoutAReportFailAndAFailedRunCounts() {
    Rollout r = RolloutProgress.advance(running(60), () -> NODES, 1_000);
    List<String> canary = r.getWaves(0).getNodesList();
    r = RolloutProgress.record(r, report(canary.get(0), 2_000, NEW, RunStatus.FAILED_RUN));
    // A run of the previous code, a watch run and a report from before the wave say nothing.
    r = RolloutProgress.record(r, report(canary.get(1), 2_000, "sha256:old", RunStatus.UNCHANGED));
    r = RolloutProgress.record(r, report(canary.get(1), 2_000, NEW, RunStatus.UNCHANGED)
        .toBuilder().setTrigger(RunTrigger.WATCH).build());
    r = RolloutProgress.record(r, report(canary.get(1), 500, NEW, RunStatus.UNCHANGED));
    assertThat(RolloutProgress.advance(r, () -> NODES, 60_999)).isEqualTo(r);
    r = RolloutProgress.advance(r, () -> NODES, 61_000);
    assertThat(r.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_HALTED);
    assertThat(r.getWaves(0).getFailuresList()).extracting(RolloutFailure::getReason)
        .containsExactly("failed run (report r-" + canary.get(0) + "-2000, 1 resources failed)",
            "no report on the new code within 1m");
  }

  @Test
  void aLaterReportReplacesTheNodesEarlierResult() {
    Rollout r = RolloutProgress.advance(running(0), () -> NODES, 1_000);
    String node = r.getWaves(0).getNodes(0);
    r = RolloutProgress.record(r, report(node, 2_000, NEW, RunStatus.FAILED_RUN));
    r = RolloutProgress.record(r, report(node, 3_000, NEW, RunStatus.CHANGED_RUN));
    assertThat(r.getWaves(0).getFailuresList()).isEmpty();
    assertThat(r.getWaves(0).getSucceededList()).containsExactly(node);
  }

  @Test
  void anAbortedRolloutServesThePreviousCodeToEveryNode() {
    Rollout r = RolloutProgress.advance(running(0), () -> NODES, 1_000).toBuilder()
        .setPreviousRolloutId("older")
        .setPhase(RolloutPhase.ROLLOUT_ABORTED).build();
    RolloutState aborted = new RolloutState(r);
    assertThat(aborted.releaseFor(r.getWaves(0).getNodes(0))).contains("older");
    assertThat(aborted.servedAfter()).contains("older");
    assertThat(aborted.active()).isFalse();
    assertThat(RolloutProgress.record(r, report(r.getWaves(0).getNodes(0), 2_000, NEW,
        RunStatus.UNCHANGED))).isSameAs(r);
  }

  @Test
  void aCompileFailureTheMasterSawFailsANodeOfTheOpenWaveOnly() {
    Rollout r = RolloutProgress.advance(running(0), () -> NODES, 1_000);
    List<String> wave = r.getWaves(0).getNodesList();
    Rollout failed = RolloutProgress.fail(r, wave.get(0), "compile failed: site.groovy:2: no",
        1_500);
    assertThat(failed.getWaves(0).getFailuresList()).extracting(RolloutFailure::getReason)
        .containsExactly("compile failed: site.groovy:2: no");
    // Seen again at the next run: nothing new to store.
    assertThat(RolloutProgress.fail(failed, wave.get(0), "compile failed: site.groovy:2: no",
        1_600)).isSameAs(failed);
    String outside = NODES.stream().filter(n -> !wave.contains(n)).findFirst().orElseThrow();
    assertThat(RolloutProgress.fail(r, outside, "compile failed: x", 1_500)).isSameAs(r);
  }
}
