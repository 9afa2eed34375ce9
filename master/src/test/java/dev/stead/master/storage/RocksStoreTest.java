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

class RocksStoreTest {
  @TempDir Path dir;

  static Report report(String id, String node, long startedAt) {
    return Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(RunStatus.CHANGED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(3).setDriftEvents(1))
        .build();
  }

  @Test
  void reportsAreStoredOnceById() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      assertThat(store.addReport(report("r1", "a", 1000))).isTrue();
      assertThat(store.addReport(report("r1", "a", 2000))).isFalse();

      assertThat(store.reports("a", 10)).extracting(Report::getStartedAtMs).containsExactly(1000L);
      assertThat(store.reports("", 10)).hasSize(1);
      assertThat(store.report("r1")).hasValueSatisfying(
          r -> assertThat(r.getStartedAtMs()).isEqualTo(1000));
    }
  }

  @Test
  void aReportIsSyncedToTheLogBeforeAddReportReturns() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      long before = store.walSyncs();
      store.putFacts("a", Facts.getDefaultInstance()); // not synced: the counter must not move
      assertThat(store.walSyncs()).isEqualTo(before);

      store.addReport(report("r1", "a", 1000));
      store.addReport(report("r2", "a", 2000));
      store.addReport(report("r1", "a", 1000)); // a retry writes nothing

      assertThat(store.walSyncs()).isEqualTo(before + 2);
    }
    // The counter tells synced from buffered writes: without syncing it stays put.
    try (RocksStore store = RocksStore.open(dir, RocksStore.ReportSync.OS_BUFFERED)) {
      long before = store.walSyncs();
      store.addReport(report("r3", "a", 3000));
      assertThat(store.walSyncs()).isEqualTo(before);
    }
  }

  @Test
  void reportsComeNewestFirstPerNodeAndOverall() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      store.addReport(report("a1", "a", 1000));
      store.addReport(report("a3", "a", 3000));
      store.addReport(report("a2", "a", 2000));
      store.addReport(report("b1", "b", 2500));
      // "a" is a prefix of "ab": the node index must not mix them up.
      store.addReport(report("ab1", "ab", 9000));

      assertThat(store.reports("a", 10)).extracting(Report::getId)
          .containsExactly("a3", "a2", "a1");
      assertThat(store.reports("a", 1)).extracting(Report::getId).containsExactly("a3");
      assertThat(store.reports("b", 10)).extracting(Report::getId).containsExactly("b1");
      assertThat(store.reports("", 3)).extracting(Report::getId)
          .containsExactly("ab1", "a3", "b1");
      assertThat(store.reports("nobody", 10)).isEmpty();
      assertThat(store.reports("a", 0)).isEmpty();
    }
  }

  @Test
  void refusesReportsWithoutIdOrNode() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      assertThatThrownBy(() -> store.addReport(report("", "a", 1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.addReport(report("x", "a", -1)))
          .isInstanceOf(IllegalArgumentException.class);
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
  void signingReplacesThePendingRequest() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      store.putCertificate(CertificateRecord.pending("n", "CSR"));
      store.putCertificate(CertificateRecord.signed("n", "CERT"));

      assertThat(store.certificate("n")).contains(CertificateRecord.signed("n", "CERT"));
      assertThat(store.certificates()).hasSize(1);
      assertThat(store.certificate("other")).isEmpty();
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
  void nodeSummaryFollowsTheNewestReport() throws IOException {
    try (RocksStore store = RocksStore.open(dir)) {
      Nodes nodes = new Nodes(store);
      nodes.seen("a");
      assertThat(store.node("a")).hasValueSatisfying(
          n -> assertThat(n.getLastReportMs()).isZero());

      store.addReport(report("new", "a", 2000));
      nodes.reported("a");
      // A late retry of an older run must not roll the summary back.
      store.addReport(report("old", "a", 1000));
      NodeInfo info = nodes.reported("a");
      nodes.seen("a");

      assertThat(info.getLastReportId()).isEqualTo("new");
      assertThat(store.node("a")).contains(info);
      assertThat(info.getLastDriftEvents()).isEqualTo(1);
      assertThat(info.getLastStatus()).isEqualTo(RunStatus.CHANGED_RUN);
    }
  }
}
