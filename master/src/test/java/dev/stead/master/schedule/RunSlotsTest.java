package dev.stead.master.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.NodeStore;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RunSlot;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slots from the node list of a real RocksDB store. */
class RunSlotsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  @TempDir Path dir;

  @Test
  void nodesSilentForAWeekLeaveTheSpreadAndNewNodesJoinIt() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      long recent = NOW.minus(Duration.ofHours(1)).toEpochMilli();
      long old = NOW.minus(RunSlots.LEAVE_AFTER).minusSeconds(60).toEpochMilli();
      store.putNode(NodeInfo.newBuilder().setName("a").setLastReportMs(recent).build());
      store.putNode(NodeInfo.newBuilder().setName("b").setLastReportMs(recent).build());
      store.putNode(NodeInfo.newBuilder().setName("new").build()); // asked, not reported yet
      store.putNode(NodeInfo.newBuilder().setName("gone").setLastReportMs(old).build());
      RunSlots slots = new RunSlots(store, Clock.fixed(NOW, ZoneOffset.UTC));

      assertThat(slots.slotOf("a").getNodes()).isEqualTo(3);
      assertThat(slots.assigned("gone")).isEmpty();
      assertThat(slots.assigned("new")).isPresent();

      // A fourth node asks before the table knows it: it is told the slot it will keep.
      RunSlot told = slots.slotOf("c");
      assertThat(told.getNodes()).isEqualTo(4);
      store.putNode(NodeInfo.newBuilder().setName("c").build());
      assertThat(slots.refresh().slotOf("c")).isEqualTo(told);
      assertThat(slots.assigned("c")).contains(told);

      // Another master on the same node list computes the same slots.
      RunSlots other = new RunSlots(store, Clock.fixed(NOW, ZoneOffset.UTC));
      for (String node : new String[] {"a", "b", "c", "new"}) {
        assertThat(other.slotOf(node)).isEqualTo(slots.slotOf(node));
      }
    }
  }

  @Test
  void listingsOfAMasterNoAgentAsksFollowTheNodeList() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      store.putNode(NodeInfo.newBuilder().setName("a").build());
      dev.stead.master.MutableClock clock = new dev.stead.master.MutableClock(NOW);
      RunSlots slots = new RunSlots(store, clock);
      assertThat(slots.assigned("a")).isPresent();
      // Another master of the store enrols b; this one is only asked for listings.
      store.putNode(NodeInfo.newBuilder().setName("b").build());
      assertThat(slots.assigned("b")).isEmpty();
      clock.advance(RunSlots.REFRESH);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (slots.assigned("b").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(slots.assigned("b")).isPresent();
      assertThat(slots.assigned("a").orElseThrow().getNodes()).isEqualTo(2);
    }
  }

  @Test
  void aPreloadedTableAnswersTheFirstRequestWithoutReadingTheNodeListAgain() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      store.putNode(NodeInfo.newBuilder().setName("a").build());
      store.putNode(NodeInfo.newBuilder().setName("b").build());
      AtomicInteger reads = new AtomicInteger();
      NodeStore counted = countingNodeListReads(store, reads);
      RunSlots slots = new RunSlots(counted, Clock.fixed(NOW, ZoneOffset.UTC));
      slots.preload();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (reads.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(slots.slotOf("a").getNodes()).isEqualTo(2);
      assertThat(slots.assigned("b")).isPresent();
      assertThat(reads.get()).isEqualTo(1);
    }
  }

  @Test
  void aRestartAnswersFromTheTableItStoppedWithAndReadsTheNodeListLater() throws Exception {
    Path file = dir.resolve("run-slots");
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      for (String name : new String[] {"web01", "web02", "db1"}) {
        store.putNode(NodeInfo.newBuilder().setName(name).build());
      }
      RunSlots before = new RunSlots(store, Clock.fixed(NOW, ZoneOffset.UTC), file);
      RunSlot web01 = before.slotOf("web01");
      RunSlot db1 = before.slotOf("db1");
      before.close();

      AtomicInteger reads = new AtomicInteger();
      RunSlots after = new RunSlots(countingNodeListReads(store, reads),
          Clock.fixed(NOW, ZoneOffset.UTC), file);
      after.preload();
      assertThat(after.slotOf("web01")).isEqualTo(web01);
      assertThat(after.slotOf("db1")).isEqualTo(db1);
      assertThat(reads.get()).isZero();

      // A node that joined while the master was down asks: the node list is read soon after.
      store.putNode(NodeInfo.newBuilder().setName("web03").build());
      assertThat(after.slotOf("web03").getNodes()).isEqualTo(4);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!after.assigned("web03").isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(reads.get()).isEqualTo(1);
      assertThat(after.assigned("web03")).isPresent();
      after.close();
      assertThat(new RunSlots(store, Clock.fixed(NOW, ZoneOffset.UTC), file)
          .assigned("web03")).isPresent();
    }
  }

  @Test
  void aDamagedTableFileIsIgnoredAndWrittenAgainFromTheNodeList() throws Exception {
    Path file = dir.resolve("run-slots");
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      store.putNode(NodeInfo.newBuilder().setName("a").build());
      store.putNode(NodeInfo.newBuilder().setName("b").build());
      RunSlots first = new RunSlots(store, Clock.fixed(NOW, ZoneOffset.UTC), file);
      RunSlot a = first.slotOf("a");
      first.close();
      byte[] whole = java.nio.file.Files.readAllBytes(file);
      java.nio.file.Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 3));

      AtomicInteger reads = new AtomicInteger();
      RunSlots again = new RunSlots(countingNodeListReads(store, reads),
          Clock.fixed(NOW, ZoneOffset.UTC), file);
      assertThat(again.slotOf("a")).isEqualTo(a);
      assertThat(reads.get()).isEqualTo(1);
      assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(whole);
    }
  }

  @Test
  void aClosedTableNoLongerReadsTheNodeListButStillAnswers() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      store.putNode(NodeInfo.newBuilder().setName("a").build());
      AtomicInteger reads = new AtomicInteger();
      RunSlots slots = new RunSlots(countingNodeListReads(store, reads),
          Clock.fixed(NOW, ZoneOffset.UTC));
      assertThat(slots.slotOf("a").getNodes()).isEqualTo(1);

      // As the master stops: a node the table does not know asks after the close, the store
      // closes, and the rebuild a join would start one pause later never reads it.
      slots.close();
      assertThat(slots.slotOf("b").getNodes()).isEqualTo(2);
      Thread.sleep(RunSlots.JOIN_PAUSE.toMillis() + 500);
      assertThat(reads.get()).isEqualTo(1);
    }
  }

  /** The real store, its node list reads counted. */
  private static NodeStore countingNodeListReads(RocksStore store, AtomicInteger reads) {
    return (NodeStore) Proxy.newProxyInstance(RunSlotsTest.class.getClassLoader(),
        new Class<?>[] {NodeStore.class}, (proxy, m, args) -> {
          if (m.getName().equals("activity")) {
            reads.incrementAndGet();
          }
          try {
            return m.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
