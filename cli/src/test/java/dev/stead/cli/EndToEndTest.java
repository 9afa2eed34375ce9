package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import dev.stead.testing.TestPki;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop with real processes: `stead master start` and `stead agent run --once`
 * over a real 127.0.0.1 port, real certificates from the master's CA, real RocksDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
  private static final String SITE = """
      node('node-a.test') {
          file('/etc/greeting') { content 'GREETING\\n'; mode '0644' }
          file('/etc/app') { ensure 'directory'; mode '0755' }
          file('/etc/app/app.conf') {
              content 'setting = on\\n'
              mode '0640'
              requires file('/etc/app')
          }
      }
      node('node-b.test') {
          file('/etc/b-only') { content 'b\\n' }
      }
      node('broken.test') {
          fiel('/etc/typo') { content 'x' }
      }
      node('default') {
          file('/etc/default-node') { content 'default\\n' }
      }
      """;

  @TempDir static Path tmp;
  private Path code;
  private MasterProcess master;

  @BeforeAll
  void startMaster() throws Exception {
    code = tmp.resolve("code");
    Files.createDirectories(code);
    writeSite("hello");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
  }

  @AfterAll
  void stopMaster() throws Exception {
    if (master != null) {
      master.close();
    }
  }

  private void writeSite(String greeting) throws Exception {
    Files.writeString(code.resolve("site.groovy"), SITE.replace("GREETING", greeting));
  }

  private String fingerprint() throws Exception {
    try (AdminClient admin = master.admin()) {
      return admin.caFingerprint();
    }
  }

  private Cli agent(String certname, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("agent", "run", "--once",
        "--server", master.address, "--certname", certname,
        "--state", tmp.resolve("state-" + certname).toString(),
        "--root", root(certname).toString(), "--ca-fingerprint", fingerprint()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private Path root(String certname) throws Exception {
    Path root = tmp.resolve("root-" + certname);
    Files.createDirectories(root.resolve("etc"));
    return root;
  }

  @Test
  @Order(1)
  void agentConvergesThenStaysQuietThenTellsIntendedFromDrift() throws Exception {
    Path root = root("node-a.test");

    Cli first = agent("node-a.test");
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(root.resolve("etc/greeting")).hasContent("hello");
    assertThat(root.resolve("etc/app/app.conf")).hasContent("setting = on");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("etc/app/app.conf")))).isEqualTo("rw-r-----");

    Cli second = agent("node-a.test");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(0);

    writeSite("hello again");
    Files.writeString(root.resolve("etc/app/app.conf"), "setting = off\n");
    Cli third = agent("node-a.test");
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(2);
    assertThat(third.output()).contains("intended: file[/etc/greeting] content")
        .contains("drift: file[/etc/app/app.conf] content");
    assertThat(root.resolve("etc/greeting")).hasContent("hello again");
    assertThat(root.resolve("etc/app/app.conf")).hasContent("setting = on");

    try (AdminClient admin = master.admin()) {
      Report last = new FleetClient(admin).latest("node-a.test", 1).get(0);
      assertThat(last.getStatus()).isEqualTo(RunStatus.CHANGED_RUN);
      List<Event> events = last.getResourcesList().stream()
          .flatMap(r -> r.getEventsList().stream()).toList();
      assertThat(events).filteredOn(e -> e.getKind() == ChangeKind.DRIFT)
          .extracting(Event::getProperty).containsExactly("content");
      assertThat(events).filteredOn(e -> e.getKind() == ChangeKind.INTENDED)
          .extracting(Event::getProperty).containsExactly("content");
      assertThat(last.getSummary().getDriftEvents()).isEqualTo(1);
      assertThat(last.getSummary().getIntendedEvents()).isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void unsignedAgentIsToldHowToGetSignedAndRunsOnceSigned() throws Exception {
    Cli waiting = agent("manual.example");
    assertThat(waiting.exitCode()).as(waiting.toString()).isEqualTo(1);
    assertThat(waiting.output()).contains("stead ca sign manual.example");

    Cli sign = Cli.inThisJvm("ca", "sign", "manual.example", "--data", master.data.toString());
    assertThat(sign.exitCode()).as(sign.toString()).isEqualTo(0);
    Cli list = Cli.inThisJvm("ca", "list", "--data", master.data.toString());
    assertThat(list.output()).containsPattern("signed\\s+manual.example");

    Cli run = agent("manual.example");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(root("manual.example").resolve("etc/default-node")).hasContent("default");
  }

  @Test
  @Order(3)
  void clientWithoutCertificateMayBootstrapButNotFetchCatalogs() throws Exception {
    ManagedChannel channel = channel(GrpcSslContexts.forClient()
        .trustManager(master.data.resolve("ca/ca.pem").toFile()));
    try {
      assertThat(BootstrapGrpc.newBlockingStub(channel)
          .getCaCertificate(GetCaCertificateRequest.getDefaultInstance()).getCaCertificatePem())
          .contains("BEGIN CERTIFICATE");
      assertThatThrownBy(() -> CatalogServiceGrpc.newBlockingStub(channel)
          .getCatalog(catalogRequest("node-a.test")))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void certificateFromAnotherCaFailsTheHandshakeAndTheMasterKeepsServing() throws Exception {
    Path foreign = tmp.resolve("foreign");
    TestPki.Identity identity = TestPki.foreignClient(foreign, "node-a.test");
    ManagedChannel channel = channel(GrpcSslContexts.forClient()
        .trustManager(master.data.resolve("ca/ca.pem").toFile())
        .keyManager(identity.insistingKeyManager()));
    try {
      assertThatThrownBy(() -> CatalogServiceGrpc.newBlockingStub(channel)
          .getCatalog(catalogRequest("node-a.test")))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(master.isAlive()).isTrue();
    ManagedChannel good = nodeChannel("node-a.test");
    try {
      GetCatalogResponse response = CatalogServiceGrpc.newBlockingStub(good)
          .getCatalog(catalogRequest("node-a.test"));
      assertThat(response.getCatalog().getNode()).isEqualTo("node-a.test");
    } finally {
      good.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(5)
  void aNodeGetsItsOwnCatalogAndIsDeniedAnothersOne() throws Exception {
    ManagedChannel channel = nodeChannel("node-a.test");
    try {
      CatalogServiceGrpc.CatalogServiceBlockingStub stub =
          CatalogServiceGrpc.newBlockingStub(channel);
      assertThat(stub.getCatalog(catalogRequest("node-a.test")).getCatalog().getResourcesList())
          .extracting(r -> r.getType() + "[" + r.getTitle() + "]")
          .contains("file[/etc/greeting]");
      assertThatThrownBy(() -> stub.getCatalog(catalogRequest("node-b.test")))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(6)
  void aCompileErrorNamesFileAndLineAndLeavesTheMachineAlone() throws Exception {
    Cli run = agent("broken.test");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.output()).contains("site.groovy:14").contains("fiel");
    try (var files = Files.list(root("broken.test").resolve("etc"))) {
      assertThat(files).isEmpty();
    }
    try (AdminClient admin = master.admin()) {
      Report report = new FleetClient(admin).latest("broken.test", 1).get(0);
      assertThat(report.getStatus()).isEqualTo(RunStatus.FAILED_RUN);
      assertThat(report.getError()).contains("fiel");
    }
  }

  @Test
  @Order(7)
  void anUnreachableMasterIsOneClearLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli run = Cli.run("agent", "run", "--once", "--server", "127.0.0.1:" + port,
        "--certname", "node-a.test", "--state", tmp.resolve("state-node-a.test").toString(),
        "--root", root("node-a.test").toString(), "--no-cached-catalog");
    // (With the cached catalog, on by default, this node would enforce its last catalog:
    // AgentResilienceTest covers that.)
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.output().strip().lines()).as(run.toString()).hasSize(1);
    assertThat(run.output()).contains("127.0.0.1:" + port).doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  @Order(8)
  void aRestartedMasterStillKnowsTheNodeAndItsLastReport() throws Exception {
    String lastId;
    try (AdminClient admin = master.admin()) {
      lastId = new FleetClient(admin).latest("node-a.test", 1).get(0).getId();
    }
    master.close();
    master = MasterProcess.start(tmp.resolve("master"), code);

    Cli nodes = Cli.inThisJvm("nodes", "--data", master.data.toString());
    assertThat(nodes.exitCode()).as(nodes.toString()).isEqualTo(0);
    assertThat(nodes.output()).contains("node-a.test").contains("manual.example");
    Cli reports = Cli.inThisJvm("reports", "--node", "node-a.test", "--wide", "--data",
        master.data.toString());
    assertThat(reports.exitCode()).as(reports.toString()).isEqualTo(0);
    assertThat(reports.output()).contains(lastId);
    try (AdminClient admin = master.admin()) {
      assertThat(admin.nodes()).extracting(NodeInfo::getName).contains("node-a.test");
    }
    Cli again = agent("node-a.test");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(0);
  }

  private GetCatalogRequest catalogRequest(String node) {
    return GetCatalogRequest.newBuilder().setNode(node).setFacts(Facts.getDefaultInstance())
        .build();
  }

  private ManagedChannel nodeChannel(String certname) throws Exception {
    Path ssl = tmp.resolve("state-" + certname).resolve("ssl");
    return channel(GrpcSslContexts.forClient()
        .trustManager(ssl.resolve("ca.pem").toFile())
        .keyManager(ssl.resolve("cert.pem").toFile(), ssl.resolve("private_key.pem").toFile()));
  }

  private ManagedChannel channel(SslContextBuilder tls) throws Exception {
    return NettyChannelBuilder.forAddress("127.0.0.1", master.port)
        .sslContext(tls.protocols("TLSv1.3").build())
        .build();
  }
}
