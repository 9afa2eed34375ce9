package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RunStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Nodes} on a real RocksDB store: summaries of different nodes do not wait for each other. */
class NodesTest {
  @TempDir Path dir;

  @Test
  void aSlowSummaryHoldsUpOnlyItsOwnNode() throws Exception {
    // Two names on different locks (the test says so if that ever changes).
    String slow = "slow.example";
    String quick = "quick.example";
    assertThat(Math.floorMod(slow.hashCode(), Nodes.LOCK_STRIPES))
        .isNotEqualTo(Math.floorMod(quick.hashCode(), Nodes.LOCK_STRIPES));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (RocksStore real = RocksStore.open(dir.resolve("db"))) {
      // The real store, whose read of the slow node's reports waits, as a read from a cold
      // disk does.
      Store store = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(),
          new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("scanReports")
                && ((ReportQuery) args[0]).node().equals(slow)) {
              reading.countDown();
              release.await(30, TimeUnit.SECONDS);
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      Nodes nodes = new Nodes(store);
      store.addReport(StoreContract.report("s1", slow, 1000, RunStatus.CHANGED_RUN));
      store.addReport(StoreContract.report("q1", quick, 1000, RunStatus.UNCHANGED));

      CompletableFuture<NodeInfo> slowSummary =
          CompletableFuture.supplyAsync(() -> nodes.reported(slow));
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
      NodeInfo quickSummary = CompletableFuture.supplyAsync(() -> nodes.reported(quick))
          .get(10, TimeUnit.SECONDS);
      release.countDown();

      assertThat(quickSummary.getLastReportId()).isEqualTo("q1");
      assertThat(slowSummary.get(10, TimeUnit.SECONDS).getLastReportId()).isEqualTo("s1");
      assertThat(store.node(slow).map(NodeInfo::getLastStatus))
          .contains(RunStatus.CHANGED_RUN);
    } finally {
      release.countDown();
    }
  }
}
