package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.Value;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the RocksDB backend promises (the shared contracts: RocksStoreContractTest). */
class RocksStoreTest {
  @TempDir Path dir;

  static Report report(String id, String node, long startedAt) {
    return Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(RunStatus.CHANGED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(3).setDriftEvents(1))
        .build();
  }

  @Test
  void aReportIsSyncedToTheLogBeforeAddReportReturns() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      long before = store.walSyncs();
      store.putFacts("a", Facts.getDefaultInstance()); // not synced: the counter must not move
      assertThat(store.walSyncs()).isEqualTo(before);

      store.addReport(report("r1", "a", 1000));
      store.addReport(report("r2", "a", 2000));
      assertThat(store.walSyncs()).isEqualTo(before + 2);

      // A retry writes nothing, but answers "already stored" only once a sync after its
      // check has finished: the first write may not have reached the disk yet.
      assertThat(store.addReport(report("r1", "a", 1000))).isFalse();
      assertThat(store.walSyncs()).isEqualTo(before + 3);
    }
    // The counter tells synced from buffered writes: without syncing it stays put.
    try (RocksStore store = RocksStore.open(dir, RocksStore.ReportSync.OS_BUFFERED)) {
      long before = store.walSyncs();
      store.addReport(report("r3", "a", 3000));
      assertThat(store.walSyncs()).isEqualTo(before);
    }
  }

  @Test
  void everythingSurvivesAReopen() throws IOException {
    Facts facts = Facts.newBuilder()
        .putValues("kernelrelease", Value.newBuilder().setStringValue("6.1").build()).build();
    Catalog catalog = Catalog.newBuilder().setNode("a").setDigest("sha256:00").build();
    try (RocksStore store = RocksStore.open(dir)) {
      store.putFacts("a", facts);
      store.putCatalog("a", catalog);
      store.putNode(NodeInfo.newBuilder().setName("a").setLastReportId("r1").build());
      store.putNode(NodeInfo.newBuilder().setName("0first").build());
      store.addReport(report("r1", "a", 1000));
      store.putCertificate(CertificateRecord.pending("p", "CSR PEM"));
      store.putCertificate(CertificateRecord.signed("s", "CERT PEM"));
    }
    try (RocksStore store = RocksStore.open(dir)) {
      assertThat(store.facts("a")).contains(facts);
      assertThat(store.catalog("a")).contains(catalog);
      assertThat(store.nodes()).extracting(NodeInfo::getName).containsExactly("0first", "a");
      assertThat(store.reports("a", 5)).extracting(Report::getId).containsExactly("r1");
      assertThat(store.addReport(report("r1", "a", 1000))).isFalse();
      assertThat(store.certificates()).extracting(CertificateRecord::certname,
          CertificateRecord::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("p", CertificateState.PENDING),
              org.assertj.core.groups.Tuple.tuple("s", CertificateState.SIGNED));
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() throws IOException {
    RocksStore store = RocksStore.open(dir);
    try {
      assertThatThrownBy(() -> RocksStore.open(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use");
    } finally {
      store.close();
    }
  }

  @Test
  void aCheckpointHoldsTheCatalogsKeptInBlobFiles() throws Exception {
    java.util.Random random = new java.util.Random(5);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2 * RocksStore.MIN_BLOB_BYTES; i++) {
      big.append((char) ('!' + random.nextInt(90)));
    }
    Catalog catalog = Catalog.newBuilder().setNode("web1").setDigest("sha256:01")
        .addResources(dev.stead.proto.v1.Resource.newBuilder().setType("file")
            .setTitle(big.toString())).build();
    Path backup = dir.resolve("backup");
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      store.putCatalog("web1", catalog);
      store.flush();
      assertThat(store.sizes().get("blob_files")).isGreaterThan(RocksStore.MIN_BLOB_BYTES);
      store.checkpoint(backup);
    }

    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(backup)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(name -> name.endsWith(".blob"));
    }
    try (RocksStore restored = RocksStore.open(backup)) {
      assertThat(restored.catalog("web1")).contains(catalog);
      assertThat(restored.catalogDigest("web1")).contains("sha256:01");
    }
  }

  @Test
  void tableFilesKeepTheirIndexInPartitionsThatACacheCanHold() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      storeReportsInTableFiles(store);

      // A whole index per file did not fit the cache once files grew, and was read and
      // decompressed again by every lookup of a node's reports.
      var tables = store.tableProperties("reports_by_node").values();
      assertThat(tables).isNotEmpty().allSatisfy(table -> {
        assertThat(table.getIndexPartitions()).isPositive();
        assertThat(table.getTopLevelIndexSize()).isPositive();
      });
    }
  }

  @Test
  void reportsByIdCarryAKeyFilterSoThatASubmitsCheckForItsIdReadsNoTable() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      storeReportsInTableFiles(store);

      // Every submit asks whether its id is stored; it almost never is, and a filter answers
      // that from memory. The indexes are read by range, where a key filter would be waste.
      assertThat(store.tableProperties("reports").values()).isNotEmpty()
          .allSatisfy(table -> assertThat(table.getFilterPolicyName()).isEqualTo("bloomfilter"));
      assertThat(store.tableProperties("reports_by_node").values()).isNotEmpty()
          .allSatisfy(table -> assertThat(table.getFilterPolicyName()).isNullOrEmpty());
      // A retried submit is still told apart: the filter may say "maybe", never "no" wrongly.
      assertThat(store.addReport(report("r1999", "node199", 2999))).isFalse();
      assertThat(store.addReport(report("r2000", "node0", 3000))).isTrue();
    }
  }

  /** 2,000 reports of 200 nodes (ids r0 to r1999), compacted into table files. */
  private static void storeReportsInTableFiles(RocksStore store) {
    for (int i = 0; i < 2_000; i++) {
      store.addReport(report("r" + i, "node" + (i % 200), 1000 + i));
    }
    store.compactAll();
  }
}
