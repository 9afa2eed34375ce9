package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The catalog queue lets in what its threads work off within the wait allowed, at the pace
 * they last showed, and refuses the rest at once: with slow compiles the bound in time
 * refuses long before the count does.
 */
class CatalogQueueTest {
  @Test
  void requestsThatWouldWaitLongerThanAllowedAtTheRecentPaceAreRefusedBeforeTheQueueIsFull()
      throws Exception {
    ServerConcurrency one = new ServerConcurrency(1, 1, 1, 1, 100, Duration.ofMillis(500));
    try (CatalogQueue queue = CatalogQueue.of(one)) {
      assertThat(queue.submit(() -> sleep(200))).isEmpty();
      // Started once the first has ended and its time is counted; it holds the one thread.
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      assertThat(queue.submit(() -> {
        started.countDown();
        await(release);
      })).isEmpty();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      // 200 ms each (a little more on a busy machine) on one thread: two waiting are about
      // 400 ms of work, a third passes 500; the count (100) is far.
      int accepted = 0;
      Optional<StatusRuntimeException> refusal = Optional.empty();
      while (refusal.isEmpty() && accepted <= 100) {
        refusal = queue.submit(() -> { });
        accepted += refusal.isEmpty() ? 1 : 0;
      }
      assertThat(accepted).isBetween(1, 2);
      assertThat(queue.refused()).isEqualTo(1);
      Status busy = refusal.orElseThrow().getStatus();
      assertThat(busy.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(busy.getDescription()).matches("the master is busy: " + accepted
          + " catalog requests wait for a compile \\(1 at a time\\); retry in about [0-9]+ s");
      release.countDown();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
