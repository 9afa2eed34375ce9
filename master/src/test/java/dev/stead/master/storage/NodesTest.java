package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.proto.v1.TagLimit;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Nodes} on a real RocksDB store: summaries of different nodes do not wait for each
 * other, and a summary refreshed from the report just stored is the one read back whole.
 */
class NodesTest {
  @TempDir Path dir;

  /**
   * Random report sequences (full runs, watch reports, runs limited by tags, late retries of
   * old runs, runs dated alike, reports from the future left by an older master), each stored
   * in two stores: one refreshed from the report in hand, one from its reports read back.
   * After every report the two summaries must be the same.
   */
  @Test
  void aSummaryFromTheStoredReportIsTheOneReadBack() throws Exception {
    long seed = Long.getLong("stead.test.seed", System.nanoTime());
    Random random = new Random(seed);
    long now = 10_000_000_000L;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    long latest = ReportTimes.latestPlausibleStart(now);
    try (RocksStore inHand = RocksStore.open(dir.resolve("in-hand"));
        RocksStore readBack = RocksStore.open(dir.resolve("read-back"))) {
      Nodes fromReport = new Nodes(inHand, clock);
      Nodes fromStore = new Nodes(readBack, clock);
      int fast = 0;
      long clockOfRuns = now - 600 * 10_000;
      for (int i = 0; i < 600; i++) {
        String node = "n" + random.nextInt(4);
        clockOfRuns += 1 + random.nextInt(10_000); // runs come in order, mostly
        Report report = randomReport(random, "r" + i, node, clockOfRuns, latest);
        inHand.addReport(report);
        readBack.addReport(report);
        NodeInfo before = inHand.node(node).orElse(null);
        if (report.getTrigger() != RunTrigger.WATCH && !report.hasTagLimit()
            && report.getStartedAtMs() <= latest
            && (before == null || report.getStartedAtMs() > before.getLastReportMs())) {
          fast++;
        }
        NodeInfo expected = fromStore.reported(node);
        assertThat(fromReport.reported(report))
            .as("seed %d, report %d: %s", seed, i, report)
            .isEqualTo(expected);
        assertThat(inHand.node(node)).contains(expected);
      }
      // Both ways were taken (the sequence is long enough that this holds for any seed).
      assertThat(fast).as("seed %d", seed).isBetween(50, 550);
    }
  }

  private static Report randomReport(Random random, String id, String node, long clockOfRuns,
      long latest) {
    long start = switch (random.nextInt(12)) {
      case 0 -> latest + 1 + random.nextInt(100_000); // from the future: an older master's
      case 1, 2 -> clockOfRuns - random.nextInt(200_000); // a late retry of an older run
      case 3 -> clockOfRuns - clockOfRuns % 50_000; // several runs dated alike
      default -> clockOfRuns;
    };
    Report.Builder report = Report.newBuilder().setId(id).setNode(node)
        .setStartedAtMs(start)
        .setStatus(RunStatus.forNumber(1 + random.nextInt(3)))
        .setNoop(random.nextInt(4) == 0)
        .setCodeVersion("v" + random.nextInt(3))
        .setCatalogDigest("sha256:" + random.nextInt(5))
        .setCatalogOrigin(random.nextBoolean() ? CatalogOrigin.CATALOG_ORIGIN_UNSPECIFIED
            : CatalogOrigin.forNumber(1))
        .setSummary(ReportSummary.newBuilder().setResources(10)
            .setDriftEvents(random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0)
            .setOutOfSync(random.nextInt(4)));
    int kind = random.nextInt(10);
    if (kind < 3) {
      report.setTrigger(RunTrigger.WATCH);
    } else if (kind == 3) {
      report.setTagLimit(TagLimit.newBuilder().addTags("web"));
    } else {
      report.setTrigger(random.nextBoolean() ? RunTrigger.SCHEDULED : RunTrigger.ON_DEMAND);
    }
    return report.build();
  }

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
