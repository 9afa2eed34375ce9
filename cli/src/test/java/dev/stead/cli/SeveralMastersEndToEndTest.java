package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.wire.Pem;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real `stead master start` processes on one PostgreSQL database, both given the shared
 * name agents use (--dns-alt-names) and the same --shared-key-file; only the first holds the
 * CA key. A secret encrypted on the CA master is in the catalog. A real agent that knows the
 * masters only by that name enrols through the master without the CA (the CA master signs
 * what it stored) and converges, secret included, through either; with the CA master
 * stopped, the enrolled agent still converges and a new request waits in the database; module
 * files come from whichever master the agent asks, and the master left answers fleet queries
 * for every run, the ones the other served too. An
 * operator added in the shared store logs in on one master's dashboard, and that session holds
 * on the other's until a logout on either. A third master given a copy of the CA key is refused while the CA master
 * is alive.
 */
class SeveralMastersEndToEndTest {
  private static final String SHARED_NAME = "stead.fleet.test";
  private static final String SITE = """
      node(~/web\\d\\.test/) {
          file('/etc/motd') { content 'one fleet\\n'; mode '0644' }
          file('/etc/db.pass') { content lookup('app::db_password'); mode '0600' }
          file('/etc/app.conf') { source 'app/app.conf'; mode '0644' }
      }
      """;

  @TempDir Path tmp;

  @Test
  void oneCaSignsForBothMastersAndTheOtherKeepsServingWhileItIsDown() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path credentials = cluster.writeCredentialsFile(tmp.resolve("store.credentials"));
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    Files.createDirectories(code.resolve("modules/app/files"));
    Files.writeString(code.resolve("modules/app/files/app.conf"), "served by any master\n");
    Path sharedKey = tmp.resolve("shared.key");
    byte[] keyBytes = new byte[32];
    new java.security.SecureRandom().nextBytes(keyBytes);
    Files.writeString(sharedKey, java.util.Base64.getEncoder().encodeToString(keyBytes) + "\n");
    Files.setPosixFilePermissions(sharedKey, PosixFilePermissions.fromString("rw-------"));
    String[] options = {"--store", db.toString(), "--store-credentials", credentials.toString(),
        "--dns-alt-names", SHARED_NAME + ",127.0.0.2", "--autosign", "*.test",
        "--shared-key-file", sharedKey.toString()};
    // The name resolves to loopback for the agent only: a hosts file of its own JVM.
    Path hosts = tmp.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 " + SHARED_NAME + "\n127.0.0.1 localhost\n");
    Path motd = tmp.resolve("root/etc/motd");
    Path appConf = tmp.resolve("root/etc/app.conf");

    Path dataA = tmp.resolve("a");
    Path dataB = tmp.resolve("b");
    int dashboardA = MasterProcess.freePort();
    int dashboardB = MasterProcess.freePort();
    MasterProcess a = MasterProcess.start(dataA, code, plus(options, "--dashboard-listen",
        "127.0.0.1:" + dashboardA));
    try (MasterProcess b = MasterProcess.start(dataB, code, plus(options, "--no-ca",
        "--dashboard-listen", "127.0.0.1:" + dashboardB))) {
      // B holds no CA key: its own certificates come from A.
      assertThat(dataB.resolve("ca/ca_key.pem")).doesNotExist();
      assertThat(dataB.resolve("ca/ca.pem")).hasSameTextualContentAs(dataA.resolve("ca/ca.pem"));
      // A copy of A's CA key makes no second CA master: refused while A is alive.
      Path dataC = Files.createDirectories(tmp.resolve("c/ca")).getParent();
      for (String file : List.of("ca.pem", "ca_key.pem")) {
        Files.copy(dataA.resolve("ca").resolve(file), dataC.resolve("ca").resolve(file),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
      Cli secondCa = Cli.run(plus(new String[] {"master", "start", "--data", dataC.toString(),
          "--code", code.toString(), "--listen", "127.0.0.1:0"}, options));
      assertThat(secondCa.exitCode()).as(secondCa.toString()).isEqualTo(1);
      assertThat(secondCa.output()).contains("the master at 127.0.0.1:" + a.port
          + " holds the CA role on this store").contains("start this master with --no-ca");
      assertThat(dataC.resolve("master.address")).doesNotExist();
      String fingerprint;
      try (var admin = b.admin()) {
        fingerprint = admin.caFingerprint();
      }
      // Encrypted on A, in the code both serve; B seals it for the node.
      String blob = Cli.runWithInput("s3cret-pw", "secret", "encrypt", "--data",
          dataA.toString());
      assertThat(blob).startsWith("ENC[stead:v1:");
      Files.createDirectories(code.resolve("data"));
      Files.writeString(code.resolve("data/common.yaml"), "app::db_password: '" + blob + "'\n");
      // One login for both dashboards, kept in the shared store; a session on B holds on A.
      Cli.runWithInput("correct horse battery", "operator", "add", "alice", "--password-stdin",
          "--data", dataA.toString(), "--store", db.toString(), "--store-credentials",
          credentials.toString());
      assertThat(dataA.resolve("operators")).doesNotExist();
      HttpClient web = dashboardClient(dataA.resolve("ca/ca.pem"));
      String cookie = logIn(web, dashboardB, "alice", "correct horse battery");
      assertThat(page(web, dashboardA, cookie).statusCode()).isEqualTo(200);
      assertThat(page(web, dashboardA, "stead_session=forged").statusCode()).isNotEqualTo(200);
      // A logout on A ends the session on B too, a copy of the cookie included.
      web.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + dashboardA
          + "/logout")).header("Cookie", cookie).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(page(web, dashboardB, cookie).statusCode()).isNotEqualTo(200);
      assertThat(page(web, dashboardA, cookie).statusCode()).isNotEqualTo(200);

      Cli refused = b.steadMayFail("ca", "sign", "nobody.test");
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.output()).contains("does not hold the CA key");

      Cli enrol = agent(hosts, b.port, "web1.test", fingerprint, "30");
      assertThat(enrol.exitCode()).as(enrol.toString()).isEqualTo(2);
      assertThat(motd).hasContent("one fleet");
      assertThat(tmp.resolve("root/etc/db.pass")).hasContent("s3cret-pw");
      // A module file, fetched from the master the agent asked.
      assertThat(appConf).hasContent("served by any master");
      Files.delete(motd);
      Files.delete(appConf);
      Cli throughA = agent(hosts, a.port, "web1.test", fingerprint, "0");
      assertThat(throughA.exitCode()).as(throughA.toString()).isEqualTo(2);
      assertThat(motd).hasContent("one fleet");
      assertThat(appConf).hasContent("served by any master");

      a.close();
      Files.delete(motd);
      Files.delete(appConf);
      Cli withoutCa = agent(hosts, b.port, "web1.test", fingerprint, "0");
      assertThat(withoutCa.exitCode()).as(withoutCa.toString()).isEqualTo(2);
      assertThat(motd).hasContent("one fleet");
      assertThat(appConf).hasContent("served by any master");
      // B answers fleet queries from the shared database, the runs A served among them.
      List<String> reports = b.stead("reports", "--node", "web1.test", "--wide").output()
          .lines().filter(l -> l.contains("web1.test")).toList();
      assertThat(reports).as("web1's three runs").hasSize(3);
      List<String> servedBy = new java.util.ArrayList<>();
      for (String row : reports) {
        String id = row.substring(row.stripTrailing().lastIndexOf(' ') + 1).strip();
        servedBy.add(b.stead("report", id).output().lines()
            .filter(l -> l.startsWith("master ")).findFirst().orElse("").replaceAll(".*:", ""));
      }
      assertThat(servedBy).containsExactlyInAnyOrder(String.valueOf(b.port),
          String.valueOf(a.port), String.valueOf(b.port));
      assertThat(b.stead("nodes").output()).contains("web1.test");
      // A new node's request waits in the database for the CA master.
      Cli waiting = agent(hosts, b.port, "web2.test", fingerprint, "0");
      assertThat(waiting.exitCode()).as(waiting.toString()).isNotZero();
      assertThat(count(cluster, db, "SELECT count(*) FROM certificates "
          + "WHERE certname = 'web2.test' AND state = 1")).isEqualTo(1);
    } finally {
      a.close();
    }
  }

  private static HttpClient dashboardClient(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(caFile));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Logs in as an operator would; the session cookie. */
  private static String logIn(HttpClient web, int port, String name, String password)
      throws Exception {
    HttpResponse<String> r = web.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + port + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("name=" + name + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("login answer: " + r.body()).isEqualTo(303);
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  private static HttpResponse<String> page(HttpClient web, int port, String cookie)
      throws Exception {
    return web.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
        .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long count(PostgresCluster cluster, PostgresLocation db, String sql)
      throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(),
            cluster.credentials().user(), cluster.credentials().password());
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String[] plus(String[] first, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** A real agent process told the master's shared name, run once. */
  private Cli agent(Path hosts, int port, String certname, String fingerprint,
      String waitForCert) throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    ProcessBuilder builder = new ProcessBuilder(StepProcess.command("agent", "run", "--once",
        "--server", SHARED_NAME + ":" + port, "--certname", certname,
        "--state", tmp.resolve("state-" + certname).toString(), "--root",
        tmp.resolve("root").toString(), "--ca-fingerprint", fingerprint, "--wait-for-cert",
        waitForCert)).redirectErrorStream(true);
    builder.environment().put("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts);
    Process process = builder.start();
    process.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Cli(process.exitValue(), out.toString(StandardCharsets.UTF_8));
  }
}
