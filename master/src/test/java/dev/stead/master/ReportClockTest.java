package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.fleet.FleetClient;
import dev.stead.master.fleet.Retention;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.ReportTimes;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report dates against the master's clock: a real master on loopback, a node with a real
 * certificate submitting over gRPC, real RocksDB underneath.
 */
class ReportClockTest {
  /** The date a hostile or broken agent clock put on its reports. */
  private static final long YEAR_2255 = Instant.parse("2255-03-14T00:00:00Z").toEpochMilli();
  private static final CatalogSource SOURCE = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  @TempDir Path data;
  @TempDir Path code;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void aReportDatedInTheFutureIsStoredAtItsReceiveTimeAndALaterHonestReportBecomesTheLatest()
      throws Exception {
    Master master = start();
    ReportServiceGrpc.ReportServiceBlockingStub reports = enrolledNode(master, "web1");

    long before = System.currentTimeMillis();
    reports.submitReport(submit(report("from-2255", "web1", YEAR_2255, RunStatus.FAILED_RUN)
        // Fields only the master sets: whatever the agent sends there is replaced.
        .setReceivedAtMs(7)));
    long after = System.currentTimeMillis();

    Report stored;
    try (AdminClient admin = AdminClient.connect(data, null)) {
      stored = new FleetClient(admin).latest("web1", 1).get(0);
    }
    assertThat(stored.getId()).isEqualTo("from-2255");
    assertThat(stored.getStartedAtMs()).isBetween(before, after);
    assertThat(stored.getReceivedAtMs()).isEqualTo(stored.getStartedAtMs());
    assertThat(stored.getClaimedStartedAtMs()).isEqualTo(YEAR_2255);

    // The node's next run, honestly dated after the first reached the master.
    long honestStart = stored.getReceivedAtMs() + 1;
    reports.submitReport(submit(report("honest", "web1", honestStart, RunStatus.UNCHANGED)
        .setClaimedStartedAtMs(5)));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      NodeInfo web1 = admin.nodes().get(0);
      assertThat(web1.getLastReportId()).isEqualTo("honest");
      assertThat(web1.getLastStatus()).isEqualTo(RunStatus.UNCHANGED);
      assertThat(web1.getLastReportMs()).isEqualTo(honestStart);
      Report honest = new FleetClient(admin).latest("web1", 1).get(0);
      assertThat(honest.getId()).isEqualTo("honest");
      assertThat(honest.getStartedAtMs()).isEqualTo(honestStart);
      assertThat(honest.getClaimedStartedAtMs()).isZero();
    }
    master.close();

    // Retention reaches it with its period: fifteen days on, both reports are gone.
    try (RocksStore store = RocksStore.open(data.resolve("db"))) {
      Clock later = Clock.fixed(Instant.ofEpochMilli(after).plus(Duration.ofDays(15)),
          ZoneOffset.UTC);
      try (Retention retention = Retention.start(store, new Nodes(store, later),
          Retention.DEFAULT, later)) {
        assertThat(retention.expireNow()).isEqualTo(2);
      }
      assertThat(store.reports("web1", 10)).isEmpty();
    }
  }

  @Test
  void aFutureReportStoredByAnOlderMasterNeitherPinsTheStatusNorEscapesRetention()
      throws Exception {
    // What an older master did: stored the agent's date and took it as the newest run.
    try (RocksStore store = RocksStore.open(data.resolve("db"))) {
      store.addReport(report("from-2255", "web1", YEAR_2255, RunStatus.FAILED_RUN).build());
      new Nodes(store, Clock.fixed(Instant.ofEpochMilli(YEAR_2255), ZoneOffset.UTC))
          .reported("web1");
      assertThat(store.node("web1").orElseThrow().getLastReportId()).isEqualTo("from-2255");
    }
    Master master = start();
    ReportServiceGrpc.ReportServiceBlockingStub reports = enrolledNode(master, "web1");

    reports.submitReport(submit(report("honest", "web1", System.currentTimeMillis(),
        RunStatus.UNCHANGED)));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes().get(0).getLastReportId()).isEqualTo("honest");
    }

    assertThat(master.retention().expireNow()).isEqualTo(1);
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(new FleetClient(admin).latest("web1", 10)).extracting(Report::getId).containsExactly("honest");
      assertThat(admin.nodes().get(0).getLastReportId()).isEqualTo("honest");
    }
  }

  @Test
  void aNodeWhoseOnlyReportIsFromTheFutureIsShownWithoutOneAfterRetention() throws Exception {
    try (RocksStore store = RocksStore.open(data.resolve("db"))) {
      store.addReport(report("from-2255", "web1", YEAR_2255, RunStatus.FAILED_RUN).build());
      new Nodes(store, Clock.fixed(Instant.ofEpochMilli(YEAR_2255), ZoneOffset.UTC))
          .reported("web1");
    }
    Master master = start();

    assertThat(master.retention().expireNow()).isEqualTo(1);

    try (AdminClient admin = AdminClient.connect(data, null)) {
      NodeInfo web1 = admin.nodes().get(0);
      assertThat(web1.getLastReportId()).isEmpty();
      assertThat(web1.getLastReportMs()).isZero();
      assertThat(web1.getLastStatus()).isEqualTo(RunStatus.RUN_STATUS_UNSPECIFIED);
    }
  }

  @Test
  void reportsDatedInThePastAreKeptButNeverReplaceTheNewest() throws Exception {
    Master master = start();
    ReportServiceGrpc.ReportServiceBlockingStub reports = enrolledNode(master, "web1");
    long now = System.currentTimeMillis();

    reports.submitReport(submit(report("now", "web1", now, RunStatus.UNCHANGED)));
    // A spooled report delivered a day late, and one dated before any retention period.
    reports.submitReport(submit(report("yesterday", "web1", now - 86_400_000L,
        RunStatus.FAILED_RUN)));
    reports.submitReport(submit(report("epoch", "web1", 1, RunStatus.FAILED_RUN)));

    try (AdminClient admin = AdminClient.connect(data, null)) {
      NodeInfo web1 = admin.nodes().get(0);
      assertThat(web1.getLastReportId()).isEqualTo("now");
      assertThat(web1.getLastStatus()).isEqualTo(RunStatus.UNCHANGED);
      assertThat(new FleetClient(admin).latest("web1", 10)).extracting(Report::getId)
          .containsExactly("now", "yesterday", "epoch");
    }
    assertThat(master.retention().expireNow()).isEqualTo(1);
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(new FleetClient(admin).latest("web1", 10)).extracting(Report::getId)
          .containsExactly("now", "yesterday");
      assertThat(admin.nodes().get(0).getLastReportId()).isEqualTo("now");
    }
  }

  @Test
  void aClockAheadWithinTheAllowanceKeepsItsDates() throws Exception {
    Master master = start();
    ReportServiceGrpc.ReportServiceBlockingStub reports = enrolledNode(master, "web1");
    long aMinuteAhead = System.currentTimeMillis() + 60_000L;

    reports.submitReport(submit(report("close", "web1", aMinuteAhead, RunStatus.UNCHANGED)));

    assertThat(ReportTimes.CLOCK_SKEW_ALLOWANCE).isGreaterThan(Duration.ofMinutes(1));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      Report stored = new FleetClient(admin).latest("web1", 1).get(0);
      assertThat(stored.getStartedAtMs()).isEqualTo(aMinuteAhead);
      assertThat(stored.getClaimedStartedAtMs()).isZero();
    }
  }

  private Master start() throws Exception {
    Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).catalogSource(SOURCE)
        .start();
    cleanup.add(master);
    return master;
  }

  /** Enrolls {@code name} over the bootstrap service and returns its report stub. */
  private ReportServiceGrpc.ReportServiceBlockingStub enrolledNode(Master master, String name)
      throws Exception {
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(channel(master, ca, null, null))
        .submitCsr(SubmitCsrRequest.newBuilder().setCertname(name)
            .setCsrPem(TestPki.csr(name, key)).build());
    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    ManagedChannel channel = channel(master, ca, key,
        Pem.parseCertificate(status.getCertificatePem()));
    CatalogServiceGrpc.newBlockingStub(channel).getCatalog(GetCatalogRequest.newBuilder()
        .setNode(name).setFacts(Facts.getDefaultInstance()).build());
    return ReportServiceGrpc.newBlockingStub(channel);
  }

  private ManagedChannel channel(Master master, X509Certificate ca, KeyPair key,
      X509Certificate certificate) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca,
        key == null ? null : key.getPrivate(), certificate);
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  private static Report.Builder report(String id, String node, long startedAt,
      RunStatus status) {
    return Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(status).setCodeVersion("test")
        .setSummary(ReportSummary.newBuilder().setResources(1).setSeconds(2.5));
  }

  private static SubmitReportRequest submit(Report.Builder report) {
    return SubmitReportRequest.newBuilder().setReport(report).build();
  }
}
