package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void createsOnceAndReuses() throws Exception {
    Path caDir = dir.resolve("ca");
    CertificateAuthority first = CertificateAuthority.loadOrCreate(caDir);
    CertificateAuthority second = CertificateAuthority.loadOrCreate(caDir);

    assertThat(second.fingerprint()).isEqualTo(first.fingerprint()).startsWith("SHA256:");
    X509Certificate ca = first.certificate();
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    ca.verify(ca.getPublicKey());
    Path key = caDir.resolve(CertificateAuthority.KEY_FILE);
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir)))
        .isEqualTo("rwx------");
  }

  @Test
  void refusesHalfACa() throws Exception {
    Path caDir = dir.resolve("ca");
    CertificateAuthority.loadOrCreate(caDir);
    Files.delete(caDir.resolve(CertificateAuthority.KEY_FILE));

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(caDir))
        .hasMessageContaining("incomplete CA");
  }

  @Test
  void issuesClientCertificates() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
    KeyPair key = TestPki.ecKey();

    X509Certificate cert = ca.issueClient("web01.example.com", key.getPublic(),
        Duration.ofDays(365));

    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=web01.example.com");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.issuedAndValid(cert, Duration.ofDays(300))).isTrue();
    assertThat(ca.issuedAndValid(cert, Duration.ofDays(400))).isFalse();
  }

  @Test
  void serverCredentialsCoverLoopbackAndAreReused() throws Exception {
    Path caDir = dir.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(caDir);

    ServerCredentials first = ServerCredentials.loadOrCreate(caDir, ca, "127.0.0.1");
    ServerCredentials again = ServerCredentials.loadOrCreate(caDir, ca, "127.0.0.1");
    ServerCredentials other = ServerCredentials.loadOrCreate(caDir, ca, "10.1.2.3");

    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(first.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(first.certificate().getSubjectAlternativeNames())
        .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"),
            List.of(2, Hostnames.local()));
    assertThat(other.certificate()).isNotEqualTo(first.certificate());
    assertThat(other.certificate().getSubjectAlternativeNames())
        .contains(List.of(7, "10.1.2.3"), List.of(7, "127.0.0.1"));
  }

  @Test
  void adminCredentialsAreOwnerOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
    Path adminDir = dir.resolve("admin");

    AdminCredentials admin = AdminCredentials.loadOrCreate(adminDir, ca);

    assertThat(admin.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=stead-admin");
    assertThat(AdminCredentials.load(adminDir).certificate()).isEqualTo(admin.certificate());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminDir)))
        .isEqualTo("rwx------");
    for (String file : List.of("cert.pem", "key.pem", "ca.pem")) {
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(adminDir.resolve(file)))).as(file).isEqualTo("rw-------");
    }
  }
}
