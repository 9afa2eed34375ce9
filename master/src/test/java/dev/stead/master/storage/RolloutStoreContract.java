package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutFailure;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import org.junit.jupiter.api.Test;

/** {@link RolloutStore}: rollouts replaced by id, kept across a reopen, newest first. */
abstract class RolloutStoreContract extends StoreContract {

  private static Rollout rollout(String id, long startedAt, RolloutPhase phase) {
    return Rollout.newBuilder().setId(id).setEnvironment("production").setPhase(phase)
        .setStartedAtMs(startedAt).setCodeVersion("sha256:" + id).build();
  }

  @Test
  void rolloutsAreReplacedByIdAndListedNewestFirstAfterAReopen() throws Exception {
    store.putRollout(rollout("aaa", 1000, RolloutPhase.ROLLOUT_COMPLETED));
    store.putRollout(rollout("ccc", 3000, RolloutPhase.ROLLOUT_RUNNING));
    store.putRollout(rollout("bbb", 2000, RolloutPhase.ROLLOUT_ABORTED));
    Rollout halted = rollout("ccc", 3000, RolloutPhase.ROLLOUT_HALTED).toBuilder()
        .setHaltReason("1 of 1 nodes failed")
        .addWaves(RolloutWave.newBuilder().setNumber(1).addNodes("web1")
            .addFailures(RolloutFailure.newBuilder().setNode("web1").setReason("failed run")))
        .build();
    store.putRollout(halted);
    reopen();

    assertThat(store.rollouts()).extracting(r -> r.getId() + "/" + r.getPhase())
        .containsExactly("ccc/ROLLOUT_HALTED", "bbb/ROLLOUT_ABORTED", "aaa/ROLLOUT_COMPLETED");
    assertThat(store.rollout("ccc")).contains(halted);
    assertThat(store.rollout("ddd")).isEmpty();
  }

  @Test
  void aRolloutWithoutIdOrEnvironmentIsRefused() {
    assertThatThrownBy(() -> store.putRollout(rollout("", 1, RolloutPhase.ROLLOUT_RUNNING)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> store.putRollout(rollout("x", 1, RolloutPhase.ROLLOUT_RUNNING)
        .toBuilder().clearEnvironment().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment");
    assertThat(store.rollouts()).isEmpty();
  }
}
