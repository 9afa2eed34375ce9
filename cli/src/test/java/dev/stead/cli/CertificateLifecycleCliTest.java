package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.client.CertificateRenewal;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.AdminClient;
import dev.stead.wire.Pem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate lifecycle as an operator and an agent live it, against a real master
 * process: sign (autosign), renew before expiry, revoke (the agent is refused at once),
 * clean (the name may request again).
 */
class CertificateLifecycleCliTest {
  private static final String NODE = "renew.test";
  @TempDir Path tmp;

  @Test
  void renewRevokeAndClean() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/motd') { content 'hi\\n' } }\n");
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code,
        "--autosign", "*.test")) {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path state = tmp.resolve("state");
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      List<String> agent = List.of("agent", "run", "--once", "--server", master.address,
          "--certname", NODE, "--state", state.toString(), "--root", root.toString(),
          "--ca-fingerprint", fingerprint);
      Cli first = Cli.run(agent.toArray(String[]::new));
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      String data = master.data.toString();
      Cli list = Cli.inThisJvm("ca", "list", "--data", data);
      assertThat(list.output()).containsPattern("signed\\s+" + NODE.replace(".", "\\."));

      // Renewal, as the agent does it when a third of the lifetime (at most 30 days) is left.
      SslFiles ssl = new SslFiles(state.resolve("ssl"));
      X509Certificate old = Pem.readCertificate(Files.readString(ssl.certificate()));
      KeyPair keys = KeyMaterial.of(Pem.readPrivateKey(Files.readString(ssl.privateKey())));
      X509Certificate ca = Pem.readCertificate(Files.readString(ssl.ca()));
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Clock lateInLife = Clock.fixed(old.getNotAfter().toInstant().minus(Duration.ofDays(10)),
          ZoneOffset.UTC);
      X509Certificate renewed = CertificateRenewal.renewIfDue(MasterAddress.parse(
          master.address), ca, keys, old, ssl, NODE,
          new PrintStream(err, true, StandardCharsets.UTF_8), lateInLife);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("renewed the certificate");
      assertThat(renewed.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
      assertThat(Pem.readCertificate(Files.readString(ssl.certificate())))
          .isEqualTo(renewed);
      assertThat(Cli.inThisJvm("ca", "list", "--data", data).output())
          .contains(renewed.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
      Cli afterRenewal = Cli.run(agent.toArray(String[]::new));
      assertThat(afterRenewal.exitCode()).as(afterRenewal.toString()).isZero();

      Cli revoke = Cli.inThisJvm("ca", "revoke", NODE, "--data", data);
      assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
      assertThat(revoke.output()).contains("revoked " + NODE);
      assertThat(master.data.resolve("ca/crl.pem")).content().startsWith("-----BEGIN X509 CRL");
      Cli refused = Cli.run(agent.toArray(String[]::new));
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output()).contains("has been revoked");
      assertThat(Cli.inThisJvm("ca", "list", "--data", data).output())
          .containsPattern("revoked\\s+" + NODE.replace(".", "\\.") + "\\s+\\d{4}-\\S+ \\S+\\s+\\d{4}-");

      Cli clean = Cli.inThisJvm("ca", "clean", NODE, "--data", data);
      assertThat(clean.exitCode()).as(clean.toString()).isZero();
      assertThat(clean.output()).contains("cleaned " + NODE + " (was revoked)");
      assertThat(Cli.inThisJvm("ca", "list", "--data", data).output()).doesNotContain(NODE);
      Cli again = Cli.inThisJvm("ca", "clean", NODE, "--data", data);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.output()).contains("nothing is known about '" + NODE + "'");
      assertThat(Instant.now()).isBefore(renewed.getNotAfter().toInstant());
    }
  }
}
