package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;

class CsrValidatorTest {
  private final KeyPair key = TestPki.ecKey();

  @Test
  void acceptsAWellFormedRequest() throws Exception {
    ValidatedCsr csr = CsrValidator.validate("web01.example.com",
        TestPki.csr("web01.example.com", key));

    assertThat(csr.certname()).isEqualTo("web01.example.com");
    assertThat(csr.sameKey(key.getPublic())).isTrue();
  }

  @Test
  void refusesGarbage() {
    assertInvalid("node1", "hello", "not a PEM PKCS#10 request");
    assertInvalid("node1", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
        + "-----END CERTIFICATE REQUEST-----\n", "not a PEM PKCS#10 request");
    assertInvalid("node1", "", "is empty");
  }

  @Test
  void refusesAMismatchedCn() throws Exception {
    assertInvalid("node1", TestPki.csr("node2", key), "does not match the certname 'node1'");
  }

  @Test
  void refusesBadNames() throws Exception {
    assertInvalid("Node1", TestPki.csr("Node1", key), "is not valid");
    assertInvalid("-node", TestPki.csr("-node", key), "is not valid");
    assertInvalid("a/b", TestPki.csr("node1", key), "is not valid");
    assertInvalid("stead-admin", TestPki.csr("stead-admin", key), "reserved");
  }

  @Test
  void refusesWeakKeys() throws Exception {
    assertInvalid("node1", TestPki.csr("node1", TestPki.rsaKey(1024)), "at least 2048");
  }

  @Test
  void refusesSubjectAlternativeNamesANodeMayNotClaim() throws Exception {
    assertInvalid("node1", TestPki.csr("node1", key, null,
        new GeneralName(GeneralName.dNSName, "master.example.com")),
        "asks for the subject alternative name 'DNS:master.example.com', which a node may not"
            + " claim");
    assertInvalid("node1", TestPki.csr("node1", key, null,
        new GeneralName(GeneralName.dNSName, "node1"),
        new GeneralName(GeneralName.iPAddress, "10.0.0.1")),
        "'IP:10.0.0.1'");
    assertInvalid("node1", TestPki.csr("node1", key, null,
        new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://x/y")),
        "'URI:spiffe://x/y'");
  }

  @Test
  void acceptsItsOwnNameAsTheOnlySubjectAlternativeName() throws Exception {
    ValidatedCsr csr = CsrValidator.validate("node1", TestPki.csr("node1", key, null,
        new GeneralName(GeneralName.dNSName, "node1")));

    assertThat(csr.certname()).isEqualTo("node1");
  }

  @Test
  void readsTheChallengePassword() throws Exception {
    ValidatedCsr with = CsrValidator.validate("node1",
        TestPki.csr("node1", key, "correct horse battery staple"));
    ValidatedCsr without = CsrValidator.validate("node1", TestPki.csr("node1", key));

    assertThat(CsrValidator.challengePassword(with.request()))
        .contains("correct horse battery staple");
    assertThat(CsrValidator.challengePassword(without.request())).isEmpty();
  }

  @Test
  void refusesACertificateInsteadOfARequest(@org.junit.jupiter.api.io.TempDir
      Path dir) throws Exception {
    String certificatePem =
        Pem.certificate(CertificateAuthority.loadOrCreate(dir.resolve("ca")).certificate());
    assertInvalid("node1", certificatePem, "not a PEM PKCS#10 request");
  }

  private static void assertInvalid(String certname, String pem, String message) {
    assertThatThrownBy(() -> CsrValidator.validate(certname, pem))
        .isInstanceOf(CaException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.INVALID));
  }
}
