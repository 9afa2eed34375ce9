package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.wire.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code that stops compiling, with real processes: the agent keeps its cached catalog but
 * the run is a failure (exit 4, 6 when it repaired something), its report names the error
 * with file:line, and every fleet view — `stead nodes`, `stead report`, compliance, the
 * metrics and the dashboard — shows the node as stale instead of in sync.
 */
class BrokenCodeEndToEndTest {
  @TempDir Path tmp;
  private MasterProcess master;

  /** What the dashboard shows the admin certificate at {@code path}. */
  private String dashboard(int port, String path) throws Exception {
    Path admin = master.data.resolve("admin");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca",
        Pem.readCertificate(admin.resolve("ca.pem")));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("admin", Pem.readPrivateKey(admin.resolve("key.pem")),
        new char[0], new Certificate[] {
            Pem.readCertificate(admin.resolve("cert.pem"))});
    KeyManagerFactory kmf =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    HttpResponse<String> r = HttpClient.newBuilder().sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10)).build()
        .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  @Test
  void aNodeWhoseCodeDoesNotCompileIsStaleEverywhere() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    String good = "node('web1.test') {\n    file('/etc/motd') { content 'hello\\n' }\n}\n";
    Files.writeString(code.resolve("site.groovy"), good);
    int metricsPort = MasterProcess.freePort();
    int dashboardPort = MasterProcess.freePort();
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test",
        "--metrics-listen", "127.0.0.1:" + metricsPort,
        "--dashboard-listen", "127.0.0.1:" + dashboardPort);
    try {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      String[] run = {"agent", "run", "--once", "--server", master.address,
          "--certname", "web1.test", "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", fingerprint};
      Cli first = Cli.run(run);
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(master.stead("nodes").output()).containsPattern("web1\\.test\\s+changed");

      // A syntax error on line 2.
      Files.writeString(code.resolve("site.groovy"),
          "node('web1.test') {\n    file('/etc/motd') { content 'hello\\n' \n");
      Cli broken = Cli.run(run);
      assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(4);
      assertThat(broken.output()).contains("site.groovy:")
          .contains("enforcing the cached catalog");
      assertThat(master.stead("nodes").output()).containsPattern("web1\\.test\\s+stale: compile failed");
      Cli report = master.stead("reports", "--node", "web1.test", "--status", "failed");
      String id = report.output().lines().skip(1).findFirst().orElseThrow();
      id = id.substring(id.lastIndexOf(' ') + 1);
      assertThat(master.stead("report", id).output()).contains("status   stale: compile failed")
          .containsPattern("error    site\\.groovy:\\d+(:\\d+)?: ");

      // The cached catalog still repairs drift: that is a change, on top of the failure.
      Files.writeString(root.resolve("etc/motd"), "by hand\n");
      Cli repaired = Cli.run(run);
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(6);
      assertThat(root.resolve("etc/motd")).hasContent("hello\n");

      String compliance = master.stead("compliance", "--since", "1h", "--step", "10m").output();
      assertThat(compliance.lines().reduce((a, b) -> b).orElseThrow())
          .containsPattern("\\(fleet\\)\\s+1\\s+0\\s+0\\.0%");
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .contains("stead_node_compile_failures_total{node=\"web1.test\"} 2\n")
          .contains("stead_nodes{status=\"failed\"} 1\n");
      assertThat(dashboard(dashboardPort, "/")).contains("stale: compile failed");
      assertThat(dashboard(dashboardPort, "/node?name=web1.test"))
          .contains("stale: compile failed");

      // Fixed code: fresh again, in sync.
      Files.writeString(code.resolve("site.groovy"), good);
      Cli fixed = Cli.run(run);
      assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
      assertThat(master.stead("nodes").output()).containsPattern("web1\\.test\\s+unchanged");
    } finally {
      master.close();
    }
    String log = Files.readString(tmp.resolve("master.log"));
    assertThat(log.split("the code does not compile", -1)).as(log).hasSize(2);
  }
}
