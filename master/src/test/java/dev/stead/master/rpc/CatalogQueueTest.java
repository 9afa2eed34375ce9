package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Test
  void aQueueThatStaysLongLetsInATenthOfTheWaitUntilItRunsEmpty() throws Exception {
    // 2 s allowed: a wait over 200 ms kept up for 2 s is a standing queue. One thread doing
    // 60 ms a request (~16/s) while ~66/s arrive: an overload, as at a master's start.
    ServerConcurrency one = new ServerConcurrency(1, 1, 1, 1, 1_000, Duration.ofSeconds(2));
    try (CatalogQueue queue = CatalogQueue.of(one)) {
      List<long[]> waits = new CopyOnWriteArrayList<>(); // {submitted at, waited}, ms
      long t0 = System.nanoTime();
      long feedFor = TimeUnit.SECONDS.toNanos(7);
      boolean sawOverload = false;
      while (System.nanoTime() - t0 < feedFor) {
        long submitted = System.nanoTime();
        queue.submit(() -> {
          long started = System.nanoTime();
          waits.add(new long[] {TimeUnit.NANOSECONDS.toMillis(submitted - t0),
              TimeUnit.NANOSECONDS.toMillis(started - submitted)});
          sleep(60);
        });
        sawOverload |= queue.overloaded();
        sleep(15);
      }
      assertThat(sawOverload).isTrue();
      // Before the overload was seen the queue took up to 2 s of work, as for a burst...
      assertThat(waits.stream().mapToLong(w -> w[1]).max().orElseThrow())
          .as("the longest wait, ms").isGreaterThan(1_200);
      // ...after it, requests let in during the last 1.5 s waited about 200 ms, not 2 s.
      assertThat(waits.stream().filter(w -> w[0] > 5_500).mapToLong(w -> w[1]).max()
          .orElseThrow()).as("the longest wait in the last 1.5 s, ms").isLessThan(800);
      assertThat(queue.refused()).isPositive();

      // Once the arrivals stop the queue runs empty and the full wait holds again: a burst
      // behind a held thread is let in up to 2 s of work, far more than 200 ms.
      long drained = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queue.waiting() > 0 && System.nanoTime() < drained) {
        sleep(20);
      }
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(1);
      assertThat(queue.submit(() -> {
        held.countDown();
        await(release);
      })).isEmpty();
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(queue.overloaded()).isFalse();
      AtomicBoolean overloadedWhenFirstRan = new AtomicBoolean();
      assertThat(queue.submit(() -> overloadedWhenFirstRan.set(queue.overloaded()))).isEmpty();
      int accepted = 1;
      while (queue.submit(() -> { }).isEmpty() && accepted <= 1_000) {
        accepted++;
      }
      assertThat(accepted).as("requests let in behind a held thread").isGreaterThan(10);

      // So soon after the overload ended, one wait over 200 ms starts the next at once: a
      // master at the edge of its capacity does not let 2 s of work pile up each time it
      // runs empty.
      sleep(300);
      release.countDown();
      long done = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queue.waiting() > 0 && System.nanoTime() < done) {
        sleep(20);
      }
      assertThat(overloadedWhenFirstRan).isTrue();
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
