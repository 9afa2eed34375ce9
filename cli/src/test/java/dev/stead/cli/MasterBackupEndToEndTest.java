package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.Backups;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.wire.Pem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master with every kind of state (CA, admin credentials, reports, a secrets key, operator
 * logins, the dashboard's session key, metrics) is backed up while it serves and restored
 * onto a new data directory: nothing it wrote is left out of the backup unless it is listed
 * as not needing one, a node whose code holds a secret keeps converging — also once the code
 * changes and the restored master seals the secret anew — and the operator still logs in.
 */
class MasterBackupEndToEndTest {
  private static final String SECRET = "backup-Pa55word-5e1f0c2d";
  private static final String OPERATOR_PASSWORD = "correct horse battery staple";

  @TempDir Path tmp;
  private int dashboardPort;

  private MasterProcess start(Path data, Path code) throws Exception {
    dashboardPort = MasterProcess.freePort();
    return MasterProcess.start(data, code, "--autosign", "*.test",
        "--metrics-listen", "127.0.0.1:" + MasterProcess.freePort(),
        "--dashboard-listen", "127.0.0.1:" + dashboardPort);
  }

  private Cli agent(MasterProcess master, String fingerprint) throws Exception {
    return Cli.run("agent", "run", "--once", "--server", master.address,
        "--certname", "web1.test", "--state", tmp.resolve("state").toString(),
        "--root", tmp.resolve("root").toString(), "--ca-fingerprint", fingerprint);
  }

  private static void writeCode(Path code, String blob, String mode) throws Exception {
    Files.writeString(code.resolve("site.groovy"), """
        node('web1.test') {
            file('/etc/db.pass') { content secret('BLOB'); mode 'MODE' }
        }
        """.replace("BLOB", blob).replace("MODE", mode));
  }

  private static List<String> filesUnder(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString())
          .sorted().toList();
    }
  }

  /** Logs in to the dashboard as an operator would; the session cookie, or a failed check. */
  private String logIn(Path data) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.readCertificate(
        data.resolve("ca").resolve(CertificateAuthority.CERTIFICATE_FILE)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    String form = "name=alice&password="
        + URLEncoder.encode(OPERATOR_PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + dashboardPort + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("login answer: " + r.body()).isEqualTo(303);
    return r.headers().firstValue("Set-Cookie").orElseThrow();
  }

  @Test
  void aRestoredMasterHasAllItsStateSecretsLoginsAndAll() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Path data = tmp.resolve("master");
    MasterProcess master = start(data, code);
    String fingerprint;
    Path backup = tmp.resolve("backup");
    List<String> written;
    String blob;
    try {
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Cli.runWithInput(OPERATOR_PASSWORD, "operator", "add", "alice", "--password-stdin",
          "--data", data.toString());
      logIn(data);
      blob = Cli.runWithInput(SECRET, "secret", "encrypt", "--data", data.toString());
      writeCode(code, blob, "0600");
      Cli first = agent(master, fingerprint);
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(tmp.resolve("root/etc/db.pass")).hasContent(SECRET);

      Cli done = Cli.inThisJvm("master", "backup", backup.toString(), "--data", data.toString());
      assertThat(done.exitCode()).as(done.toString()).isZero();
      written = filesUnder(data);
    } finally {
      master.close();
    }

    // Every file the master wrote is in the backup, or is listed as needing none with a
    // reason; the database is there as a checkpoint of its own.
    List<String> backedUp = filesUnder(backup);
    assertThat(backedUp).contains("db/CURRENT", "secrets/master.key", "operators",
        "dashboard-session.key", "ca/ca_key.pem", "admin/key.pem");
    List<String> forgotten = new ArrayList<>();
    for (String file : written) {
      boolean listed = Backups.NOT_BACKED_UP.containsKey(file);
      if (!file.startsWith("db/") && !listed && !backedUp.contains(file)) {
        forgotten.add(file);
      }
    }
    assertThat(forgotten).as("master state missing from the backup").isEmpty();

    Path restored = tmp.resolve("restored");
    Cli restore = Cli.run("master", "restore", backup.toString(), "--data",
        restored.toString());
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    assertThat(filesUnder(restored)).containsAll(backedUp.stream()
        .filter(f -> !f.equals(Backups.MARKER)).toList());

    master = start(restored, code);
    try {
      Files.writeString(tmp.resolve("root/etc/db.pass"), "by-hand\n");
      Cli repaired = agent(master, fingerprint);
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
      assertThat(tmp.resolve("root/etc/db.pass")).hasContent(SECRET);

      // New code: the restored master compiles again and seals the secret, encrypted before
      // the backup, to the node anew, which takes the secrets key it was backed up with.
      writeCode(code, blob, "0640");
      Cli recompiled = agent(master, fingerprint);
      assertThat(recompiled.exitCode()).as(recompiled.toString()).isEqualTo(2);
      assertThat(recompiled.output()).doesNotContain("cannot be opened").doesNotContain(SECRET);
      assertThat(tmp.resolve("root/etc/db.pass")).hasContent(SECRET);

      assertThat(logIn(restored)).startsWith("stead_session=");
    } finally {
      master.close();
    }
  }
}
