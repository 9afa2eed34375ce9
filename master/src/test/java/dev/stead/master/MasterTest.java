package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.ListNodesRequest;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubmitReportResponse;
import dev.stead.proto.v1.Value;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real master on a 127.0.0.1 port, real certificates, real RocksDB. */
class MasterTest {
  @TempDir Path data;
  @TempDir Path code;
  @TempDir Path elsewhere;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  /** Compiles one file resource per node; "broken" does not compile, "explodes" crashes. */
  private static final CatalogSource SOURCE = (node, facts) -> {
    if (node.equals("broken")) {
      return CompileOutcome.failed("site.groovy", "unknown resource type 'fiel'");
    }
    if (node.equals("explodes")) {
      throw new IllegalStateException("compiler bug");
    }
    return CompileOutcome.compiled(Catalogs.seal(Catalog.newBuilder()
        .setNode(node)
        .setCodeVersion("test")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")
            .putParameters("content", Value.newBuilder().setStringValue("hi " + node).build()))
        .build()));
  };

  private record Node(String name, KeyPair key, X509Certificate certificate) {}

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private Master start(String autosign) throws Exception {
    Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, autosign))
        .catalogSource(SOURCE).start();
    cleanup.add(master);
    return master;
  }

  private X509Certificate ca() throws Exception {
    return Pem.readCertificate(data.resolve("ca/ca.pem"));
  }

  private ManagedChannel channel(Master master, Node node) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca(),
        node == null ? null : node.key().getPrivate(), node == null ? null : node.certificate());
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  private ManagedChannel adminChannel(Master master) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca(),
        Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  /** What an agent does: CSR over the anonymous bootstrap service (autosign on). */
  private Node bootstrap(Master master, String name) throws Exception {
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(channel(master, null))
        .submitCsr(SubmitCsrRequest.newBuilder().setCertname(name)
            .setCsrPem(TestPki.csr(name, key)).build());
    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    return new Node(name, key, Pem.parseCertificate(status.getCertificatePem()));
  }

  private static GetCatalogRequest catalogRequest(String node) {
    return GetCatalogRequest.newBuilder().setNode(node)
        .setFacts(Facts.newBuilder().putValues("kernelrelease",
            Value.newBuilder().setStringValue("6.1.0").build()))
        .build();
  }

  private static Report report(String id, String node, long startedAt) {
    return Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(RunStatus.CHANGED_RUN).setCodeVersion("test").setCatalogDigest("sha256:ab")
        .setSummary(ReportSummary.newBuilder().setResources(1).setChanged(1).setDriftEvents(1))
        .build();
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    return Status.Code.OK;
  }

  @Test
  void aNodeGetsItsOwnCatalogAndNoOther() throws Exception {
    Master master = start("*");
    Node node1 = bootstrap(master, "node1");
    bootstrap(master, "node2");
    CatalogServiceGrpc.CatalogServiceBlockingStub stub =
        CatalogServiceGrpc.newBlockingStub(channel(master, node1));

    GetCatalogResponse response = stub.getCatalog(catalogRequest("node1"));

    assertThat(response.getCatalog().getNode()).isEqualTo("node1");
    assertThat(Catalogs.verify(response.getCatalog())).isTrue();
    assertThat(codeOf(() -> stub.getCatalog(catalogRequest("node2"))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(master.address()).isEqualTo("127.0.0.1:" + master.port());
    assertThat(Files.readString(data.resolve("master.address")).trim())
        .isEqualTo(master.address());
  }

  @Test
  void theMasterRegistersItselfAndNamesItselfInEachAnswerOutsideTheDigest() throws Exception {
    Master master = start("*");
    Node node = bootstrap(master, "node1");
    dev.stead.proto.v1.MasterServiceGrpc.MasterServiceBlockingStub masters =
        dev.stead.proto.v1.MasterServiceGrpc.newBlockingStub(adminChannel(master));
    dev.stead.proto.v1.MasterInfo registered = masters.listMasters(
        dev.stead.proto.v1.ListMastersRequest.getDefaultInstance()).getMasters(0);
    assertThat(registered.getAddress()).isEqualTo(master.address());
    assertThat(registered.getCa()).isTrue();
    assertThat(registered.getCodeVersionsMap()).isEmpty();

    CatalogServiceGrpc.CatalogServiceBlockingStub stub =
        CatalogServiceGrpc.newBlockingStub(channel(master, node));
    GetCatalogResponse served = stub.getCatalog(catalogRequest("node1"));
    assertThat(served.getServedBy()).isEqualTo(master.address());
    // The digest covers the catalog alone: the same as sealing it without any master's name.
    assertThat(served.getCatalog().getDigest()).isEqualTo(
        ((CompileOutcome.Compiled) SOURCE.compile("node1", catalogRequest("node1").getFacts()))
            .catalog().getDigest());
    assertThat(stub.getCatalog(catalogRequest("node1").toBuilder()
        .setKnownDigest(served.getCatalog().getDigest()).build()).getServedBy())
        .isEqualTo(master.address());

    // The next heartbeat carries the code version compiled since.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    dev.stead.proto.v1.MasterInfo seen;
    do {
      Thread.sleep(100);
      seen = masters.listMasters(dev.stead.proto.v1.ListMastersRequest.getDefaultInstance())
          .getMasters(0);
    } while (seen.getCodeVersionsCount() == 0 && System.nanoTime() < deadline);
    assertThat(seen.getCodeVersionsMap()).containsExactly(java.util.Map.entry("production",
        "test"));
    assertThat(seen.getLastSeenMs()).isGreaterThan(registered.getLastSeenMs());
  }

  @Test
  void withoutAClientCertificateOnlyBootstrapWorks() throws Exception {
    Master master = start("*");
    ManagedChannel anonymous = channel(master, null);

    String caPem = BootstrapGrpc.newBlockingStub(anonymous)
        .getCaCertificate(GetCaCertificateRequest.getDefaultInstance()).getCaCertificatePem();

    assertThat(Fingerprints.of(Pem.parseCertificate(caPem)))
        .isEqualTo(master.caFingerprint());
    assertThat(codeOf(() -> CatalogServiceGrpc.newBlockingStub(anonymous)
        .getCatalog(catalogRequest("node1")))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> ReportServiceGrpc.newBlockingStub(anonymous)
        .submitReport(SubmitReportRequest.newBuilder().setReport(report("r", "node1", 1)).build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> AdminServiceGrpc.newBlockingStub(anonymous)
        .listNodes(ListNodesRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aCertificateFromAnotherCaFailsTheHandshakeAndTheMasterKeepsServing() throws Exception {
    Master master = start("*");
    CertificateAuthority foreign = CertificateAuthority.loadOrCreate(elsewhere.resolve("ca"));
    KeyPair key = TestPki.ecKey();
    Node impostor = new Node("node1", key,
        foreign.issueClient("node1", key.getPublic(), Duration.ofDays(1)));

    Status.Code refused = codeOf(() -> CatalogServiceGrpc.newBlockingStub(
        uncheckedChannel(master, impostor)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getCatalog(catalogRequest("node1")));

    assertThat(refused).isEqualTo(Status.Code.UNAVAILABLE);
    Node good = bootstrap(master, "node1");
    assertThat(CatalogServiceGrpc.newBlockingStub(channel(master, good))
        .getCatalog(catalogRequest("node1")).hasCatalog()).isTrue();
  }

  private ManagedChannel uncheckedChannel(Master master, Node node) {
    try {
      return channel(master, node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void nodeAndAdminCertificatesStayInTheirLanes() throws Exception {
    Master master = start("*");
    Node node1 = bootstrap(master, "node1");

    assertThat(codeOf(() -> AdminServiceGrpc.newBlockingStub(uncheckedChannel(master, node1))
        .listNodes(ListNodesRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    ManagedChannel admin = adminChannel(master);
    assertThat(codeOf(() -> CatalogServiceGrpc.newBlockingStub(admin)
        .getCatalog(catalogRequest("stead-admin")))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(AdminServiceGrpc.newBlockingStub(admin)
        .listNodes(ListNodesRequest.getDefaultInstance()).getNodesList()).isEmpty();
  }

  @Test
  void compileErrorsAreAnswersAndCrashesAreInternal() throws Exception {
    Master master = start("*");
    Node broken = bootstrap(master, "broken");
    Node explodes = bootstrap(master, "explodes");

    GetCatalogResponse failed = CatalogServiceGrpc.newBlockingStub(channel(master, broken))
        .getCatalog(catalogRequest("broken"));
    Status.Code crashed = codeOf(() -> CatalogServiceGrpc.newBlockingStub(
        uncheckedChannel(master, explodes)).getCatalog(catalogRequest("explodes")));

    assertThat(failed.getFailure().getErrors(0).getMessage()).contains("unknown resource type");
    assertThat(crashed).isEqualTo(Status.Code.INTERNAL);
    Node node1 = bootstrap(master, "node1");
    assertThat(CatalogServiceGrpc.newBlockingStub(channel(master, node1))
        .getCatalog(catalogRequest("node1")).hasCatalog()).isTrue();
  }

  @Test
  void badRequestsAreRefusedWithAReason() throws Exception {
    Master master = start(null);
    BootstrapGrpc.BootstrapBlockingStub bootstrap =
        BootstrapGrpc.newBlockingStub(channel(master, null));

    assertThatThrownBy(() -> bootstrap.submitCsr(SubmitCsrRequest.newBuilder()
        .setCertname("node1").setCsrPem("garbage").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("not a PEM PKCS#10 request");
        });
    assertThat(codeOf(() -> bootstrap.submitCsr(SubmitCsrRequest.newBuilder()
        .setCertname("node1").setCsrPem(csrUnchecked("node2")).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(codeOf(() -> bootstrap.fetchCertificate(
        FetchCertificateRequest.newBuilder().setCertname("../etc").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static String csrUnchecked(String cn) {
    try {
      return TestPki.csr(cn, TestPki.ecKey());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anOperatorSignsPendingRequests() throws Exception {
    Master master = start(null);
    BootstrapGrpc.BootstrapBlockingStub bootstrap =
        BootstrapGrpc.newBlockingStub(channel(master, null));
    bootstrap.submitCsr(SubmitCsrRequest.newBuilder().setCertname("web01")
        .setCsrPem(TestPki.csr("web01", TestPki.ecKey())).build());
    FetchCertificateRequest fetch = FetchCertificateRequest.newBuilder().setCertname("web01")
        .build();
    assertThat(bootstrap.fetchCertificate(fetch).getState()).isEqualTo(CertificateState.PENDING);

    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.caFingerprint()).isEqualTo(master.caFingerprint());
      assertThat(admin.certificates()).extracting(CertificateInfo::getCertname,
          CertificateInfo::getState)
          .containsExactly(Tuple.tuple("web01", CertificateState.PENDING));

      CertificateInfo signed = admin.sign("web01");

      assertThat(signed.getState()).isEqualTo(CertificateState.SIGNED);
      assertThatThrownBy(() -> admin.sign("web01")).hasMessageContaining("already signed");
      assertThatThrownBy(() -> admin.sign("nobody")).hasMessage(
          "there is no certificate request for 'nobody'");
    }
    CertificateStatus status = bootstrap.fetchCertificate(fetch);
    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    Pem.parseCertificate(status.getCertificatePem()).verify(ca().getPublicKey());
  }

  @Test
  void reportsAreIdempotentAndEverythingSurvivesARestart() throws Exception {
    Master master = start("*");
    Node node1 = bootstrap(master, "node1");
    ManagedChannel channel = channel(master, node1);
    CatalogServiceGrpc.newBlockingStub(channel).getCatalog(catalogRequest("node1"));
    ReportServiceGrpc.ReportServiceBlockingStub reports =
        ReportServiceGrpc.newBlockingStub(channel);
    SubmitReportRequest first = SubmitReportRequest.newBuilder()
        .setReport(report("r1", "node1", 1000)).build();

    SubmitReportResponse stored = reports.submitReport(first);
    SubmitReportResponse retried = reports.submitReport(first);

    assertThat(stored.getStored()).isTrue();
    assertThat(retried.getStored()).isFalse();
    assertThat(codeOf(() -> reports.submitReport(SubmitReportRequest.newBuilder()
        .setReport(report("r2", "node2", 2000)).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(codeOf(() -> reports.submitReport(SubmitReportRequest.newBuilder()
        .setReport(report("", "node1", 2000)).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    String ref = "[secret 0123456789abcdef:" + "ab".repeat(32) + "]";
    reports.submitReport(SubmitReportRequest.newBuilder()
        .setReport(report("r3", "node1", 3000).toBuilder()
            .addResources(ResourceResult.newBuilder()
                .setKey("file[/etc/app.conf]")
                .addEvents(Event.newBuilder().setProperty("content")
                    .setBefore("password = hunter2").setAfter("password = " + ref)))
            .addResources(ResourceResult.newBuilder()
                .setKey("file[/etc/db.pass]")
                .addEvents(Event.newBuilder().setProperty("content")
                    .setSensitive(true).setBefore("[secret]").setAfter(ref))
                .addEvents(Event.newBuilder().setProperty("mode")
                    .setSensitive(true).setBefore("0644").setAfter("0600")))
            .build()).build());
    try (AdminClient admin = AdminClient.connect(data, null)) {
      // Reports leave the master through one API, redacted; the agent's secret marks stay.
      List<ResourceResult> shown =
          new FleetClient(admin).latest("node1", 1).get(0).getResourcesList();
      assertThat(shown.get(0).getEvents(0).getBefore()).isEqualTo("password = [redacted]");
      assertThat(shown.get(0).getEvents(0).getAfter()).isEqualTo("password = " + ref);
      assertThat(shown.get(1).getEvents(0).getBefore()).isEqualTo("[secret]");
      assertThat(shown.get(1).getEvents(0).getAfter()).isEqualTo(ref);
      assertThat(shown.get(1).getEvents(1).getBefore()).isEqualTo("[redacted]");
      assertThat(shown.get(1).getEvents(1).getAfter()).isEqualTo("[redacted]");
    }

    master.close();
    assertThat(data.resolve("master.address")).doesNotExist();
    assertThatThrownBy(() -> AdminClient.connect(data, null))
        .hasMessageContaining("not running");

    Master again = start("*");
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).singleElement().satisfies(info -> {
        assertThat(info.getName()).isEqualTo("node1");
        assertThat(info.getLastReportId()).isEqualTo("r3");
        assertThat(info.getLastReportMs()).isEqualTo(3000);
        assertThat(info.getLastDriftEvents()).isEqualTo(1);
        assertThat(info.getLastStatus()).isEqualTo(RunStatus.CHANGED_RUN);
      });
      assertThat(new FleetClient(admin).latest("node1", 0)).extracting(Report::getId).containsExactly("r3", "r1");
      assertThat(new FleetClient(admin).latest("", 1)).extracting(Report::getId).containsExactly("r3");
      assertThat(admin.certificates()).extracting(CertificateInfo::getCertname)
          .containsExactly("node1");
    }
    // The node's certificate from before the restart is still good.
    assertThat(CatalogServiceGrpc.newBlockingStub(channel(again, node1))
        .getCatalog(catalogRequest("node1")).hasCatalog()).isTrue();
  }

  @Test
  void aWatchReportDoesNotPassForAFullRunUnlessItFoundDriftOrFailed() throws Exception {
    Master master = start("*");
    Node node1 = bootstrap(master, "node1");
    ManagedChannel channel = channel(master, node1);
    CatalogServiceGrpc.newBlockingStub(channel).getCatalog(catalogRequest("node1"));
    ReportServiceGrpc.ReportServiceBlockingStub reports =
        ReportServiceGrpc.newBlockingStub(channel);
    Consumer<Report> submit = r -> reports.submitReport(
        SubmitReportRequest.newBuilder().setReport(r).build());
    long t = System.currentTimeMillis() - 60_000;

    submit.accept(run("full-1", t, RunTrigger.SCHEDULED, RunStatus.UNCHANGED, 0));
    // A watch check that only finished an intended change: the node's summary is still
    // the full run's.
    submit.accept(run("watch-1", t + 1000, RunTrigger.WATCH, RunStatus.CHANGED_RUN, 0));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).singleElement().satisfies(info -> {
        assertThat(info.getLastReportId()).isEqualTo("full-1");
        assertThat(info.getLastStatus()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(info.getLastReportMs()).isEqualTo(t);
      });
    }

    // A watch check that repaired drift: the node shows it.
    submit.accept(run("watch-2", t + 2000, RunTrigger.WATCH, RunStatus.CHANGED_RUN, 1));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).singleElement().satisfies(info -> {
        assertThat(info.getLastReportId()).isEqualTo("watch-2");
        assertThat(info.getLastStatus()).isEqualTo(RunStatus.CHANGED_RUN);
        assertThat(info.getLastDriftEvents()).isEqualTo(1);
      });
    }

    // The next full run speaks for the node again.
    submit.accept(run("full-2", t + 3000, RunTrigger.SCHEDULED, RunStatus.FAILED_RUN, 0));
    // A watch report with drift after a failed run does not hide the failure.
    submit.accept(run("watch-3", t + 4000, RunTrigger.WATCH, RunStatus.CHANGED_RUN, 2));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).singleElement().satisfies(info -> {
        assertThat(info.getLastStatus()).isEqualTo(RunStatus.FAILED_RUN);
        assertThat(info.getLastDriftEvents()).isEqualTo(2);
        assertThat(info.getLastReportId()).isEqualTo("watch-3");
      });
    }
    submit.accept(run("full-3", t + 5000, RunTrigger.ON_DEMAND, RunStatus.UNCHANGED, 0));
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).singleElement().satisfies(info -> {
        assertThat(info.getLastStatus()).isEqualTo(RunStatus.UNCHANGED);
        assertThat(info.getLastDriftEvents()).isZero();
        assertThat(info.getLastReportId()).isEqualTo("full-3");
      });
    }
  }

  private static Report run(String id, long startedAt, RunTrigger trigger, RunStatus status,
      int drift) {
    return Report.newBuilder().setId(id).setNode("node1").setStartedAtMs(startedAt)
        .setTrigger(trigger).setStatus(status).setCodeVersion("test")
        .setCatalogDigest("sha256:ab")
        .setSummary(ReportSummary.newBuilder().setResources(1)
            .setChanged(status == RunStatus.CHANGED_RUN ? 1 : 0)
            .setFailed(status == RunStatus.FAILED_RUN ? 1 : 0).setDriftEvents(drift))
        .build();
  }

  @Test
  void theAdminClientSaysSoWhenTheMasterIsDown() throws Exception {
    Master master = start(null);
    int port = master.port();
    master.close();
    Files.writeString(data.resolve("master.address"), "127.0.0.1:" + port + "\n");

    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThatThrownBy(admin::nodes)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot reach the master at 127.0.0.1:" + port)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThatThrownBy(() -> AdminClient.connect(elsewhere, null))
        .hasMessageContaining("no admin credentials");
  }

  @Test
  void nodesAreRecordedWhenTheyFetchACatalog() throws Exception {
    Master master = start("*");
    Node node1 = bootstrap(master, "node1");
    CatalogServiceGrpc.newBlockingStub(channel(master, node1)).getCatalog(catalogRequest("node1"));

    try (AdminClient admin = AdminClient.connect(data, "127.0.0.1:" + master.port())) {
      assertThat(admin.nodes()).extracting(NodeInfo::getName).containsExactly("node1");
      assertThat(new FleetClient(admin).latest("", 0)).isEmpty();
    }
  }
}
