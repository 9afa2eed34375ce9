package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.TestPki;
import java.security.KeyPair;
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

  private static void assertInvalid(String certname, String pem, String message) {
    assertThatThrownBy(() -> CsrValidator.validate(certname, pem))
        .isInstanceOf(CaException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.INVALID));
  }
}
