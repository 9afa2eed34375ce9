package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RocksDB report retention that gives bytes back, and checkpoints of the reports. */
class ReportIndexTest {
  @TempDir Path dir;

  static Report report(String id, String node, long startedAt, RunStatus status,
      String... resources) {
    Report.Builder report = Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(status).setSummary(ReportSummary.newBuilder().setResources(5));
    for (String resource : resources) {
      report.addResources(ResourceResult.newBuilder().setKey(resource)
          .addEvents(Event.newBuilder().setProperty("content").setBefore("a").setAfter("b")));
    }
    return report.build();
  }

  @Test
  void expiryDeletesOldReportsWithTheirIndexesAndTheBytesOnDiskDrop() throws IOException {
    // Random text: RocksDB compresses blocks, so repeated text would take no room at all.
    java.util.Random random = new java.util.Random(42);
    long day = 86_400_000L;
    try (RocksStore store = RocksStore.open(dir)) {
      // 3,000 reports of ~2 KB: 2,400 old ones (day 1) and 600 recent ones (day 20).
      for (int i = 0; i < 3_000; i++) {
        long at = (i < 2_400 ? day : 20 * day) + i;
        Report r = report("r" + i, "node" + (i % 10), at,
            i % 3 == 0 ? RunStatus.CHANGED_RUN : RunStatus.UNCHANGED, "file[/etc/f" + i % 7 + "]")
            .toBuilder().setError(randomText(random, 2_000)).build();
        store.addReport(r);
      }
      store.flush();
      Map<String, Long> before = store.sizes();

      int deleted = store.expireReports(20 * day - 14 * day);

      Map<String, Long> after = store.sizes();
      assertThat(deleted).isEqualTo(2_400);
      System.out.printf("report expiry: sst %,d -> %,d bytes, live %,d -> %,d bytes%n",
          before.get("sst_files"), after.get("sst_files"), before.get("live_data"),
          after.get("live_data"));
      // 80% of the reports went: the files on disk must shrink by well over half.
      assertThat(after.get("sst_files")).isLessThan(before.get("sst_files") / 2);
      assertThat(before.get("sst_files")).isGreaterThan(3_000L * 2_000);
      assertThat(store.queryReports(ReportQuery.all(), 5_000)).hasSize(600)
          .allSatisfy(r -> assertThat(r.getStartedAtMs()).isGreaterThanOrEqualTo(20 * day));
      assertThat(store.queryReports(ReportQuery.all().withNode("node3"), 5_000)).hasSize(60);
      assertThat(store.queryReports(ReportQuery.all().withResource("file[/etc/f0]"), 5_000))
          .allSatisfy(r -> assertThat(r.getStartedAtMs()).isGreaterThanOrEqualTo(20 * day));
      assertThat(store.queryReports(ReportQuery.all().withStatus(RunStatus.CHANGED_RUN), 5_000))
          .hasSize(200);
      assertThat(store.report("r0")).isEmpty();
      assertThat(store.expireReports(20 * day - 14 * day)).isZero();
    }
  }

  private static String randomText(java.util.Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('!' + random.nextInt(90)));
    }
    return text.toString();
  }

  @Test
  void aCheckpointOpensAsADatabaseWithTheSameReports() throws IOException {
    Path copy = dir.resolve("checkpoint");
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      store.addReport(report("a", "web1", 1000, RunStatus.CHANGED_RUN, "file[/x]"));
      store.checkpoint(copy);
      store.addReport(report("b", "web1", 2000, RunStatus.UNCHANGED));
    }
    try (RocksStore restored = RocksStore.open(copy)) {
      assertThat(restored.queryReports(ReportQuery.all(), 10)).extracting(Report::getId)
          .containsExactly("a");
      assertThat(restored.queryReports(ReportQuery.all().withResource("file[/x]"), 10))
          .hasSize(1);
    }
  }
}
