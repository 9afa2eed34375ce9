package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.testing.TestPki;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.groups.Tuple;
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
    assertThat(Fingerprints.of(cert)).isEqualTo(signed.getFingerprint());
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
  void everyKeyThatAsksForAPendingNameIsKeptAndSigningNeedsAFingerprintToPickOne()
      throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.off());
    KeyPair squatter = TestPki.ecKey();
    KeyPair node = TestPki.ecKey();
    // Someone else asks for the name first; the real node asks after.
    registry.submit("node1", TestPki.csr("node1", squatter));
    registry.submit("node1", TestPki.csr("node1", node));
    registry.submit("node1", TestPki.csr("node1", node)); // a retry is not a third key

    assertThat(registry.list()).extracting(CertificateInfo::getCertname,
        CertificateInfo::getState, CertificateInfo::getFingerprint).containsExactly(
        Tuple.tuple("node1", CertificateState.PENDING,
            fingerprint(squatter)),
        Tuple.tuple("node1", CertificateState.PENDING,
            fingerprint(node)));
    assertThatThrownBy(() -> registry.sign("node1"))
        .isInstanceOf(CaException.class)
        .hasMessageContaining("2 different keys asked for 'node1'")
        .hasMessageContaining(fingerprint(squatter))
        .hasMessageContaining(fingerprint(node))
        .hasMessageContaining("--fingerprint");
    assertThat(registry.fetch("node1").getState()).isEqualTo(CertificateState.PENDING);
    assertThatThrownBy(() -> registry.sign("node1", fingerprint(TestPki.ecKey())))
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.NOT_FOUND));

    // Pasted as the agent printed it, or in lower case without colons: the same key.
    String pasted = fingerprint(node).substring("SHA256:".length()).replace(":", "")
        .toLowerCase(Locale.ROOT);
    CertificateInfo signed = registry.sign("node1", pasted);

    X509Certificate cert = Pem.parseCertificate(registry.fetch("node1").getCertificatePem());
    assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
    assertThat(signed.getState()).isEqualTo(CertificateState.SIGNED);
    assertThat(registry.list()).singleElement()
        .satisfies(info -> assertThat(info.getState()).isEqualTo(CertificateState.SIGNED));
  }

  @Test
  void aFingerprintSignsExactlyThatKeyEvenWhenItIsTheOnlyOne() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.off());
    KeyPair squatter = TestPki.ecKey();
    registry.submit("node1", TestPki.csr("node1", squatter));

    assertThatThrownBy(() -> registry.sign("node1", fingerprint(TestPki.ecKey())))
        .hasMessageContaining("no key with fingerprint")
        .hasMessageContaining(fingerprint(squatter));
    assertThat(registry.fetch("node1").getState()).isEqualTo(CertificateState.PENDING);
  }

  @Test
  void autosignPicksNoneWhenTwoKeysItWouldAllowAskedForOneName() throws Exception {
    Set<PublicKey> allowed =
        ConcurrentHashMap.newKeySet();
    CertificateRegistry registry = registry(csr -> allowed.contains(csr.publicKey()));
    KeyPair early = TestPki.ecKey();
    KeyPair late = TestPki.ecKey();
    registry.submit("node1", TestPki.csr("node1", early));
    allowed.add(early.getPublic());
    allowed.add(late.getPublic());

    CertificateStatus status = registry.submit("node1", TestPki.csr("node1", late));

    assertThat(status.getState()).isEqualTo(CertificateState.PENDING);
    assertThat(registry.list()).extracting(CertificateInfo::getFingerprint)
        .containsExactly(fingerprint(early), fingerprint(late));
  }

  @Test
  void aRequestTheAutosignPolicyRefusesDoesNotBlockOneItAllows() throws Exception {
    // E.g. a challenge policy: the squatter does not know the challenge, the node does.
    KeyPair node = TestPki.ecKey();
    CertificateRegistry registry = registry(csr -> csr.sameKey(node.getPublic()));
    registry.submit("node1", TestPki.csr("node1", TestPki.ecKey()));

    CertificateStatus status = registry.submit("node1", TestPki.csr("node1", node));

    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    assertThat(Pem.parseCertificate(status.getCertificatePem()).getPublicKey())
        .isEqualTo(node.getPublic());
  }

  @Test
  void keysAskingForOnePendingNameAreBounded() throws Exception {
    CertificateRegistry registry = registry(AutosignPolicy.off());
    for (int i = 0; i < CertificateRegistry.MAX_PENDING_KEYS; i++) {
      registry.submit("node1", TestPki.csr("node1", TestPki.ecKey()));
    }

    assertThatThrownBy(() -> registry.submit("node1", TestPki.csr("node1", TestPki.ecKey())))
        .hasMessageContaining("different keys already asked for 'node1'")
        .hasMessageContaining("stead ca clean node1");
    assertThat(registry.list()).hasSize(CertificateRegistry.MAX_PENDING_KEYS);
  }

  private static String fingerprint(KeyPair key) {
    return Fingerprints.ofKey(key.getPublic());
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
