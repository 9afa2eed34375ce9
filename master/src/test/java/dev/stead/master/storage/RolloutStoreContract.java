package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutFailure;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import java.util.List;
import java.util.Optional;
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

  @Test
  void anUpdateAppliesToTheStoredRolloutAndStoresWhatItReturns() throws Exception {
    store.putRollout(rollout("r1", 10, RolloutPhase.ROLLOUT_RUNNING));

    Optional<Rollout> paused = store.updateRollout("r1",
        r -> r.toBuilder().setPhase(RolloutPhase.ROLLOUT_PAUSED).build());
    Optional<Rollout> same = store.updateRollout("r1", r -> r);
    reopen();

    assertThat(paused).map(Rollout::getPhase).contains(RolloutPhase.ROLLOUT_PAUSED);
    assertThat(same).isEqualTo(paused);
    assertThat(store.rollout("r1")).isEqualTo(paused);
    assertThat(store.updateRollout("unknown", r -> r)).isEmpty();
  }

  @Test
  void concurrentUpdatesEachKeepTheirChange() throws Exception {
    store.putRollout(rollout("r1", 10, RolloutPhase.ROLLOUT_RUNNING));
    int writers = 4;
    int each = 25;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(writers);
    List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(pool.submit(() -> {
        for (int i = 0; i < each; i++) {
          String node = "w" + writer + "-" + i;
          store.updateRollout("r1", r -> r.toBuilder().setHaltReason(
              r.getHaltReason() + node + ",").build());
        }
      }));
    }
    for (java.util.concurrent.Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    // No update lost another's: every writer's every entry is there once.
    List<String> entries = List.of(store.rollout("r1").orElseThrow().getHaltReason().split(","));
    assertThat(entries).hasSize(writers * each).doesNotHaveDuplicates();
  }

  private static boolean running(Rollout r) {
    return r.getPhase() == RolloutPhase.ROLLOUT_RUNNING;
  }

  @Test
  void aRolloutStartsUnlessOneOfItsEnvironmentBlocksIt() throws Exception {
    Rollout first = rollout("aaa", 10, RolloutPhase.ROLLOUT_RUNNING);
    assertThat(store.startRollout(first, RolloutStoreContract::running)).isEmpty();
    assertThat(store.startRollout(rollout("bbb", 20, RolloutPhase.ROLLOUT_RUNNING),
        RolloutStoreContract::running)).contains(first);
    assertThat(store.rollout("bbb")).isEmpty();
    Rollout staging = rollout("ccc", 30, RolloutPhase.ROLLOUT_RUNNING).toBuilder()
        .setEnvironment("staging").build();
    assertThat(store.startRollout(staging, RolloutStoreContract::running)).isEmpty();

    store.putRollout(first.toBuilder().setPhase(RolloutPhase.ROLLOUT_COMPLETED).build());
    assertThat(store.startRollout(rollout("bbb", 20, RolloutPhase.ROLLOUT_RUNNING),
        RolloutStoreContract::running)).isEmpty();
    assertThat(store.rollouts()).extracting(Rollout::getId)
        .containsExactly("ccc", "bbb", "aaa");
  }

  @Test
  void ofRolloutsStartedAtOnceForOneEnvironmentOneIsStored() throws Exception {
    int starters = 6;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(starters);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.Future<Boolean>> started = new java.util.ArrayList<>();
    for (int i = 0; i < starters; i++) {
      Rollout mine = rollout("r" + i, 100 + i, RolloutPhase.ROLLOUT_RUNNING);
      started.add(pool.submit(() -> {
        go.await();
        return store.startRollout(mine, RolloutStoreContract::running).isEmpty();
      }));
    }
    go.countDown();
    int stored = 0;
    for (java.util.concurrent.Future<Boolean> f : started) {
      stored += f.get() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(stored).isEqualTo(1);
    assertThat(store.rollouts()).hasSize(1);
  }
}
