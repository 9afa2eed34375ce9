package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.Value;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB store's bytes on disk stay bounded: the write-ahead log does not grow without
 * end behind a family that is rarely written, and a fleet whose facts and catalogs change at
 * every run, with reports expired by retention, takes as many bytes after 10,000 runs as
 * after 2,000; and the memtables of all its families together stay within their share of
 * memory.
 */
class RocksStoreBoundedTest {
  private static final long MB = 1L << 20;
  @TempDir Path dir;

  /** Random text: RocksDB compresses blocks, so repeated text would take no room. */
  private static String text(Random random, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append((char) ('!' + random.nextInt(90)));
    }
    return out.toString();
  }

  private static long walAfterChurn(Path db, long maxTotalWal) throws Exception {
    Random random = new Random(1);
    try (RocksStore store = RocksStore.open(db, RocksStore.ReportSync.OS_BUFFERED,
        maxTotalWal)) {
      // One write to a family that is rarely written: its memtable never fills.
      store.putCertificate(CertificateRecord.pending("web1", "CSR"));
      // 24 MB of catalogs, overwritten per node.
      for (int i = 0; i < 1_200; i++) {
        store.putCatalog("n" + i % 50, Catalog.newBuilder().setNode("n" + i % 50)
            .setDigest(text(random, 20_000)).build());
      }
      // Flushes run in the background: give them a moment to finish and delete old logs.
      long wal = store.sizes().get("wal_files");
      for (int i = 0; i < 50 && wal > 2 * maxTotalWal && maxTotalWal > 0; i++) {
        Thread.sleep(100);
        wal = store.sizes().get("wal_files");
      }
      return wal;
    }
  }

  @Test
  void theWriteAheadLogStaysBoundedBehindARarelyWrittenFamily() throws Exception {
    long bounded = walAfterChurn(dir.resolve("bounded"), 4 * MB);
    long unbounded = walAfterChurn(dir.resolve("default"), 0);
    System.out.printf("WAL after 24 MB of catalogs: %,d bytes bounded at 4 MB, %,d with "
        + "RocksDB's default%n", bounded, unbounded);

    assertThat(bounded).isLessThan(3 * 4 * MB);
    // Without the bound the whole 24 MB stays in the log: what the bound prevents.
    assertThat(unbounded).isGreaterThan(20 * MB);
  }

  @Test
  void bytesOnDiskStayFlatOverRunsWithChurningFactsAndCatalogs() throws Exception {
    Random random = new Random(2);
    int nodes = 20;
    long minute = 60_000L;
    int runs = 10_000;
    int every = 2_000;
    long[] sizeAt = new long[runs / every];
    try (RocksStore store = RocksStore.open(dir, RocksStore.ReportSync.OS_BUFFERED)) {
      store.putCertificate(CertificateRecord.signed("n0", "CERT"));
      for (int run = 1; run <= runs; run++) {
        String node = "n" + run % nodes;
        long at = run * minute;
        store.putFacts(node, Facts.newBuilder().putValues("uptime_seconds",
            Value.newBuilder().setStringValue(text(random, 1_000)).build()).build());
        Catalog.Builder catalog = Catalog.newBuilder().setNode(node).setDigest("d" + run);
        for (int r = 0; r < 10; r++) {
          catalog.addResources(Resource.newBuilder().setType("file")
              .setTitle("/etc/f" + r + "-" + text(random, 300)));
        }
        store.putCatalog(node, catalog.build());
        store.addReport(Report.newBuilder().setId("r" + run).setNode(node).setStartedAtMs(at)
            .setStatus(RunStatus.UNCHANGED).setSummary(ReportSummary.newBuilder()
                .setResources(10)).setError(text(random, 500)).build());
        store.putNode(NodeInfo.newBuilder().setName(node).setLastReportId("r" + run)
            .setLastReportMs(at).build());
        if (run % 100 == 0) {
          // Retention keeps the last 400 runs' reports.
          store.expireReports(at - 400 * minute);
        }
        if (run % every == 0) {
          store.compactAll();
          sizeAt[run / every - 1] = store.sizes().get("total");
        }
      }
    }
    System.out.printf("bytes on disk after compaction, every %,d runs: %s%n", every,
        java.util.Arrays.toString(sizeAt));
    assertThat(sizeAt[0]).isGreaterThan(200_000L); // 400 reports of 500 random bytes at least
    // Flat once retention's window is full: every later size within a fifth of the first.
    for (int i = 1; i < sizeAt.length; i++) {
      assertThat(sizeAt[i]).as("bytes after %,d runs", (i + 1) * every)
          .isLessThan(sizeAt[0] * 6 / 5);
    }
  }

  @Test
  void largeCatalogsOverwrittenAtEveryRunGoToBlobFilesWhoseGarbageIsReclaimed()
      throws Exception {
    Random random = new Random(4);
    int nodes = 20;
    int catalogBytes = 40_000;
    long[] totalAt = new long[2];
    long[] blobsAt = new long[2];
    Catalog last = null;
    try (RocksStore store = RocksStore.open(dir, RocksStore.ReportSync.OS_BUFFERED)) {
      for (int run = 1; run <= 3_000; run++) {
        String node = "n" + run % nodes;
        last = Catalog.newBuilder().setNode(node).setDigest("d" + run)
            .addResources(Resource.newBuilder().setType("file")
                .setTitle(text(random, catalogBytes))).build();
        store.putCatalog(node, last);
        if (run == 1_500 || run == 3_000) {
          store.compactAll();
          totalAt[run / 1_500 - 1] = store.sizes().get("total");
          blobsAt[run / 1_500 - 1] = store.sizes().get("blob_files");
        }
      }
      assertThat(store.catalog(last.getNode())).contains(last);
    }
    System.out.printf("catalogs of %,d bytes, %d nodes: %,d bytes on disk (%,d in blob files)"
        + " after 1,500 runs, %,d (%,d) after 3,000%n", catalogBytes, nodes, totalAt[0],
        blobsAt[0], totalAt[1], blobsAt[1]);
    long live = (long) nodes * catalogBytes;
    assertThat(blobsAt[1]).as("catalogs in blob files").isGreaterThan(live / 2);
    // 120 MB were written; what stays is the live catalogs and a bounded amount of garbage.
    assertThat(totalAt[1]).isLessThan(totalAt[0] * 6 / 5);
    assertThat(totalAt[1]).isLessThan(16 * live);
  }

  @Test
  void theMemtablesOfAllFamiliesTogetherStayWithinTheirShareOfMemory() throws Exception {
    Random random = new Random(3);
    long most = 0;
    // Without the log's bound, which flushes too: the memtables' own bound is measured.
    try (RocksStore store = RocksStore.open(dir, RocksStore.ReportSync.OS_BUFFERED, 0)) {
      // 60 MB each into catalogs, facts and reports: no family alone fills a 64 MB memtable,
      // so by RocksDB's defaults all 180 MB would stay in memory.
      for (int i = 0; i < 3_000; i++) {
        String node = "n" + i;
        String blob = text(random, 20_000);
        store.putCatalog(node, Catalog.newBuilder().setNode(node).setDigest(blob).build());
        store.putFacts(node, Facts.newBuilder().putValues("blob",
            Value.newBuilder().setStringValue(blob).build()).build());
        store.addReport(Report.newBuilder().setId("r" + i).setNode(node).setStartedAtMs(i)
            .setStatus(RunStatus.UNCHANGED).setError(blob).build());
        if (i % 100 == 0) {
          most = Math.max(most, store.sizes().get("memtables"));
        }
      }
      most = Math.max(most, store.sizes().get("memtables"));
    }
    System.out.printf("memtables at most %,d bytes while 180 MB were written%n", most);
    // Flushes run in the background, so the bound may be passed for a moment.
    assertThat(most).isLessThan(RocksMemory.MEMTABLE_BYTES * 3 / 2);
  }
}
