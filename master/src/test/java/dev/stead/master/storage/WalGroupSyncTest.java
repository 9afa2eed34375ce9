package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WalGroupSyncTest {
  @Test
  void everyWriteIsCoveredByASyncThatBeganAfterItAndWritersShareSyncs() throws Exception {
    AtomicLong written = new AtomicLong(); // the "log": how many writes it holds
    AtomicLong onDisk = new AtomicLong(); // how many of them a finished sync covers
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlapping = new AtomicInteger();
    WalGroupSync group = new WalGroupSync(() -> {
      if (running.incrementAndGet() > 1) {
        overlapping.incrementAndGet();
      }
      long covered = written.get(); // a sync covers what was written when it began
      Thread.sleep(3); // an fsync on a busy disk
      onDisk.accumulateAndGet(covered, Math::max);
      running.decrementAndGet();
    });
    int threads = 16;
    int writesEach = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    AtomicInteger lost = new AtomicInteger();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < writesEach; i++) {
          long mine = written.incrementAndGet();
          group.afterWrite();
          if (onDisk.get() < mine) {
            lost.incrementAndGet(); // acknowledged before it was on disk
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(lost).hasValue(0);
    assertThat(overlapping).hasValue(0);
    // 640 writes from 16 writers: far fewer syncs than writes.
    assertThat(group.syncs()).isLessThan(threads * writesEach / 4);
  }

  @Test
  void aFailedSyncIsTheWritersErrorAndTheNextWriterSyncsAgain() {
    AtomicInteger calls = new AtomicInteger();
    WalGroupSync group = new WalGroupSync(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new java.io.IOException("disk full");
      }
    });
    assertThatThrownBy(group::afterWrite).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("syncing the store's log to disk failed")
        .hasRootCauseMessage("disk full");
    group.afterWrite();
    assertThat(group.syncs()).isEqualTo(1);
    assertThat(calls).hasValue(2);
  }
}
