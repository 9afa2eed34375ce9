package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.fleet.FleetConfig;
import dev.stead.master.forward.ForwardConfig;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports forwarded as an operator would receive them: a real master, a real HTTPS webhook
 * with its own CA, a real UDP syslog receiver. Drift and failures arrive signed and redacted;
 * a clean run sends nothing; a receiver that hangs never holds up report storage.
 */
class ReportForwardingTest {
  private static final String SECRET = "webhook-secret-0123456789abcdef";
  @TempDir Path data;
  @TempDir Path code;
  @TempDir Path webhookDir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final BlockingQueue<String[]> posted = new LinkedBlockingQueue<>();
  private volatile CountDownLatch hang = new CountDownLatch(0);

  @AfterEach
  void tearDown() throws Exception {
    hang.countDown();
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  /** An HTTPS receiver with a certificate from a CA of its own; its CA file's path. */
  private URI webhook() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(webhookDir.resolve("ca"));
    ServerCredentials tls = ServerCredentials.loadOrCreate(webhookDir.resolve("ca"), ca,
        "127.0.0.1");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("hook", tls.key(), new char[0],
        new Certificate[] {tls.certificate(), ca.certificate()});
    KeyManagerFactory kmf =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/hook", exchange -> {
      try {
        hang.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      posted.add(new String[] {exchange.getRequestHeaders().getFirst("X-Stead-Signature"), body});
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    cleanup.add(() -> server.stop(0));
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private Path secretFile(String mode) throws Exception {
    Path file = webhookDir.resolve("secret");
    Files.writeString(file, SECRET + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private Master start(ForwardConfig forward) throws Exception {
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Master master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0,
        "*")).fleet(FleetConfig.defaults().withForwarding(forward)).start();
    cleanup.add(master);
    return master;
  }

  private ReportServiceGrpc.ReportServiceBlockingStub node(Master master, String name)
      throws Exception {
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    ManagedChannel anonymous = TestPki.channel(master.port(), ca, null, null);
    cleanup.add(() -> anonymous.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname(name).setCsrPem(TestPki.csr(name, key))
            .build());
    ManagedChannel channel = TestPki.channel(master.port(), ca, key.getPrivate(),
        Pem.parseCertificate(status.getCertificatePem()));
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return ReportServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Report report(String node, RunStatus status, ResourceResult... resources) {
    int drift = (int) List.of(resources).stream().flatMap(r -> r.getEventsList().stream())
        .filter(e -> e.getKind() == ChangeKind.DRIFT).count();
    return Report.newBuilder().setId(UUID.randomUUID().toString()).setNode(node)
        .setStartedAtMs(System.currentTimeMillis()).setStatus(status).setCodeVersion("v1")
        .setSummary(ReportSummary.newBuilder().setResources(resources.length)
            .setDriftEvents(drift))
        .addAllResources(List.of(resources)).build();
  }

  private static ResourceResult driftedConfig() {
    return ResourceResult.newBuilder().setKey("file[/etc/app.conf]")
        .setStatus(ResourceStatus.CHANGED)
        .addEvents(Event.newBuilder().setProperty("content").setKind(ChangeKind.DRIFT)
            .setStatus(EventStatus.APPLIED).setBefore("password = hunter2")
            .setAfter("password = s3cret"))
        .build();
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void driftAndFailuresReachTheWebhookSignedAndSyslogAndACleanRunSendsNothing()
      throws Exception {
    DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    syslog.setSoTimeout(10_000);
    cleanup.add(syslog::close);
    Master master = start(new ForwardConfig(webhook(), secretFile("rw-------"),
        webhookDir.resolve("ca/ca.pem"), "127.0.0.1:" + syslog.getLocalPort()));
    ReportServiceGrpc.ReportServiceBlockingStub web1 = node(master, "web1.test");

    web1.submitReport(SubmitReportRequest.newBuilder()
        .setReport(report("web1.test", RunStatus.UNCHANGED)).build());
    Report drifted = report("web1.test", RunStatus.CHANGED_RUN, driftedConfig());
    web1.submitReport(SubmitReportRequest.newBuilder().setReport(drifted).build());

    String[] post = posted.poll(20, TimeUnit.SECONDS);
    assertThat(post).as("the drift report was posted").isNotNull();
    assertThat(post[0]).isEqualTo(hmac(post[1]));
    assertThat(post[1]).contains("\"node\":\"web1.test\"")
        .contains("\"report_id\":\"" + drifted.getId() + "\"")
        .contains("\"kind\":\"drift\"").contains("\"resource\":\"file[/etc/app.conf]\"")
        .contains("\"state\":\"repaired\"").contains("[redacted]")
        .doesNotContain("hunter2").doesNotContain("s3cret");

    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    syslog.receive(packet);
    String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    assertThat(line).startsWith("<28>1 ").contains(" stead-master - drift - ")
        .endsWith("web1.test: file[/etc/app.conf] content repaired (report " + drifted.getId()
            + ")");

    Report failed = report("web1.test", RunStatus.FAILED_RUN, ResourceResult.newBuilder()
        .setKey("service[nginx]").setStatus(ResourceStatus.FAILED)
        .setMessage("nginx: [emerg] unknown directive").build());
    web1.submitReport(SubmitReportRequest.newBuilder().setReport(failed).build());
    String[] failure = posted.poll(20, TimeUnit.SECONDS);
    assertThat(failure).isNotNull();
    assertThat(failure[1]).contains("\"kind\":\"failure\"").contains("\"status\":\"failed\"")
        .contains("unknown directive");
    syslog.receive(packet);
    assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
        .startsWith("<27>1 ").contains("service[nginx] failed: nginx: [emerg]");

    // Nothing was posted for the clean run.
    assertThat(posted.poll(1, TimeUnit.SECONDS)).isNull();
    assertThat(master.forwarder().sent()).isEqualTo(4); // two reports, two receivers each
  }

  @Test
  void aReceiverThatHangsNeverHoldsUpReportStorage() throws Exception {
    hang = new CountDownLatch(1);
    Master master = start(new ForwardConfig(webhook(), secretFile("rw-------"),
        webhookDir.resolve("ca/ca.pem"), null));
    ReportServiceGrpc.ReportServiceBlockingStub web1 = node(master, "web1.test");
    for (int i = 0; i < 20; i++) {
      assertThat(web1.withDeadlineAfter(5, TimeUnit.SECONDS).submitReport(
          SubmitReportRequest.newBuilder().setReport(
              report("web1.test", RunStatus.CHANGED_RUN, driftedConfig())).build()).getStored())
          .isTrue();
    }
    hang.countDown();
    for (int i = 0; i < 20; i++) {
      assertThat(posted.poll(30, TimeUnit.SECONDS)).as("post " + i).isNotNull();
    }
  }

  @Test
  void badSettingsAreRefusedAtStartByName() throws Exception {
    assertThatThrownBy(() -> new ForwardConfig(URI.create("http://127.0.0.1/hook"),
        secretFile("rw-------"), null, null))
        .hasMessageContaining("must be an https:// URL");
    assertThatThrownBy(() -> new ForwardConfig(URI.create("https://127.0.0.1/hook"), null,
        null, null)).hasMessageContaining("--report-webhook-secret");
    Path readable = secretFile("rw-r--r--");
    assertThatThrownBy(() -> start(new ForwardConfig(URI.create("https://127.0.0.1/hook"),
        readable, null, null))).hasMessageContaining("readable by others");
    assertThatThrownBy(() -> start(new ForwardConfig(null, null, null, "127.0.0.1")))
        .hasMessageContaining("HOST:PORT");
  }
}
