package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.TestPki;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateRegistryTest {
  @TempDir Path dir;
  private CertificateAuthority ca;
  private RocksStore store;

  private CertificateRegistry registry(AutosignPolicy policy) throws Exception {
    return new CertificateRegistry(ca, store, policy,
        Revocations.load(ca, store, dir.resolve("ca")));
  }

  @BeforeEach
  void setUp() throws Exception {
    ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
    store = RocksStore.open(dir.resolve("db"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void requestWaitsUntilSigned() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.off());
    KeyPair key = TestPki.ecKey();

    CertificateStatus submitted = registry.submit("node1", TestPki.csr("node1", key));
    assertThat(submitted.getState()).isEqualTo(CertificateState.PENDING);
    assertThat(registry.fetch("node1").getState()).isEqualTo(CertificateState.PENDING);
    assertThat(registry.list()).singleElement().satisfies(info -> {
      assertThat(info.getState()).isEqualTo(CertificateState.PENDING);
      assertThat(info.getFingerprint()).startsWith("SHA256:");
    });

    CertificateInfo signed = registry.sign("node1");

    assertThat(signed.getState()).isEqualTo(CertificateState.SIGNED);
    assertThat(signed.getNotAfterMs()).isGreaterThan(System.currentTimeMillis());
    CertificateStatus fetched = registry.fetch("node1");
    X509Certificate cert = Pem.parseCertificate(fetched.getCertificatePem());
    cert.verify(ca.certificate().getPublicKey());
    assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(dev.stead.wire.Fingerprints.of(cert)).isEqualTo(signed.getFingerprint());
    assertThat(registry.fetch("node2").getState()).isEqualTo(CertificateState.UNKNOWN);
  }

  @Test
  void autosignsMatchingNamesOnly() throws Exception {
    CertificateRegistry registry =
        registry(AutosignPolicy.glob("*.example.com"));

    assertThat(registry.submit("web.example.com",
        TestPki.csr("web.example.com", TestPki.ecKey())).getState())
        .isEqualTo(CertificateState.SIGNED);
    assertThat(registry.submit("web.example.org",
        TestPki.csr("web.example.org", TestPki.ecKey())).getState())
        .isEqualTo(CertificateState.PENDING);
  }

  @Test
  void oneKeyPerName() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.glob("*"));
    KeyPair key = TestPki.ecKey();
    CertificateStatus first = registry.submit("node1", TestPki.csr("node1", key));

    // The same key again is an agent retrying: it gets its certificate back.
    assertThat(registry.submit("node1", TestPki.csr("node1", key))).isEqualTo(first);
    assertThatThrownBy(() -> registry.submit("node1", TestPki.csr("node1", TestPki.ecKey())))
        .isInstanceOf(CaException.class)
        .hasMessageContaining("already has a signed certificate")
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.CONFLICT));
  }

  @Test
  void aDifferentPendingRequestIsRefused() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.off());
    registry.submit("node1", TestPki.csr("node1", TestPki.ecKey()));

    assertThatThrownBy(() -> registry.submit("node1", TestPki.csr("node1", TestPki.ecKey())))
        .hasMessageContaining("already pending");
  }

  @Test
  void signingNeedsAPendingRequest() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.glob("*"));
    registry.submit("node1", TestPki.csr("node1", TestPki.ecKey()));

    assertThatThrownBy(() -> registry.sign("nobody"))
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.NOT_FOUND));
    assertThatThrownBy(() -> registry.sign("node1"))
        .hasMessageContaining("already signed");
    assertThatThrownBy(() -> registry.fetch("BAD NAME"))
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.INVALID));
  }
}
