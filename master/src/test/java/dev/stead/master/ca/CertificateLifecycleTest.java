package dev.stead.master.ca;

import dev.stead.master.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign, revoke, clean, renew; the CRL on disk; owner-only files. Real RocksDB and files. */
class CertificateLifecycleTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private CertificateAuthority ca;
  private RocksStore store;
  private Revocations revocations;
  private CertificateRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), clock);
    store = RocksStore.open(dir.resolve("db"));
    revocations = Revocations.load(ca, store, dir.resolve("ca"));
    registry = new CertificateRegistry(ca, store, AutosignPolicy.glob("*"), revocations);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private X509Certificate signed(String name, KeyPair key) throws Exception {
    CertificateStatus status = registry.submit(name, TestPki.csr(name, key));
    assertThat(status.getState()).isEqualTo(CertificateState.SIGNED);
    return Pem.parseCertificate(status.getCertificatePem());
  }

  private X509CRL crlOnDisk() throws Exception {
    byte[] pem = Files.readAllBytes(dir.resolve("ca/crl.pem"));
    assertThat(new String(pem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN X509 CRL-----");
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
        .generateCRL(new ByteArrayInputStream(pem));
    crl.verify(ca.certificate().getPublicKey());
    return crl;
  }

  @Test
  void revokingPutsTheSerialInASignedCrlAndTheListing() throws Exception {
    X509Certificate web = signed("web01", TestPki.ecKey());
    X509Certificate db = signed("db01", TestPki.ecKey());
    assertThat(crlOnDisk().getRevokedCertificates()).isNull();

    CertificateInfo info = registry.revoke("web01");

    assertThat(info.getState()).isEqualTo(CertificateState.REVOKED);
    assertThat(info.getRevokedAtMs()).isEqualTo(clock.millis());
    assertThat(info.getSerial()).isEqualTo(Revocations.hex(web.getSerialNumber()));
    assertThat(revocations.isRevoked(web.getSerialNumber())).isTrue();
    assertThat(revocations.isRevoked(db.getSerialNumber())).isFalse();
    X509CRL crl = crlOnDisk();
    assertThat(crl.isRevoked(web)).isTrue();
    assertThat(crl.isRevoked(db)).isFalse();
    assertThat(Duration.between(crl.getThisUpdate().toInstant(),
        crl.getNextUpdate().toInstant())).isEqualTo(Revocations.CRL_VALIDITY);
    assertThat(registry.list()).extracting(CertificateInfo::getCertname,
            CertificateInfo::getState)
        .containsExactly(
            Tuple.tuple("db01", CertificateState.SIGNED),
            Tuple.tuple("web01", CertificateState.REVOKED));
  }

  @Test
  void aRevokedNameCannotRequestAgainUntilCleanedAndTheCrlKeepsTheSerial() throws Exception {
    X509Certificate old = signed("web01", TestPki.ecKey());
    registry.revoke("web01");

    assertThatThrownBy(() -> registry.submit("web01", TestPki.csr("web01", TestPki.ecKey())))
        .hasMessageContaining("already has a revoked certificate")
        .hasMessageContaining("stead ca clean web01");

    CleanCertificateResponse cleaned = registry.clean("web01");

    assertThat(cleaned.getPreviousState()).isEqualTo(CertificateState.REVOKED);
    assertThat(cleaned.getRevoked()).isFalse();
    assertThat(registry.list()).isEmpty();
    assertThat(crlOnDisk().isRevoked(old)).isTrue();
    X509Certificate fresh = signed("web01", TestPki.ecKey());
    assertThat(revocations.isRevoked(fresh.getSerialNumber())).isFalse();
  }

  @Test
  void cleaningASignedCertificateRevokesItFirst() throws Exception {
    X509Certificate cert = signed("web01", TestPki.ecKey());

    CleanCertificateResponse cleaned = registry.clean("web01");

    assertThat(cleaned.getRevoked()).isTrue();
    assertThat(revocations.isRevoked(cert.getSerialNumber())).isTrue();
    assertThat(store.certificate("web01")).isEmpty();
  }

  @Test
  void refusesToRevokeWhatIsNotSigned() throws Exception {
    CertificateRegistry manual = new CertificateRegistry(ca, store, AutosignPolicy.off(),
        revocations);
    manual.submit("pending1", TestPki.csr("pending1", TestPki.ecKey()));

    assertThatThrownBy(() -> manual.revoke("pending1"))
        .isInstanceOf(CaException.class).hasMessageContaining("only a pending request");
    assertThatThrownBy(() -> manual.revoke("nobody"))
        .isInstanceOf(CaException.class)
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.NOT_FOUND));
    assertThatThrownBy(() -> manual.clean("nobody")).isInstanceOf(CaException.class);
    assertThat(manual.clean("pending1").getPreviousState()).isEqualTo(CertificateState.PENDING);
  }

  @Test
  void revocationsSurviveARestart() throws Exception {
    X509Certificate cert = signed("web01", TestPki.ecKey());
    registry.revoke("web01");
    store.close();

    store = RocksStore.open(dir.resolve("db"));
    Revocations reloaded = Revocations.load(ca, store, dir.resolve("ca"));

    assertThat(reloaded.isRevoked(cert.getSerialNumber())).isTrue();
    assertThat(crlOnDisk().isRevoked(cert)).isTrue();
  }

  @Test
  void renewalIssuesAFreshCertificateAndSupersedesTheOldOneOnceTheNewOneIsUsed()
      throws Exception {
    KeyPair key = TestPki.ecKey();
    X509Certificate old = signed("web01", key);
    clock.advance(Duration.ofDays(340));

    CertificateStatus renewed = registry.renew("web01", old.getSerialNumber(),
        TestPki.csr("web01", key));

    X509Certificate fresh = Pem.parseCertificate(renewed.getCertificatePem());
    assertThat(fresh.getNotAfter()).isAfter(old.getNotAfter());
    assertThat(registry.list().get(0).getSerial())
        .isEqualTo(Revocations.hex(fresh.getSerialNumber()));
    assertThat(registry.fetch("web01").getCertificatePem())
        .isEqualTo(renewed.getCertificatePem());
    // The answer may not have reached the node: its old certificate still works.
    assertThat(revocations.refuses(old.getSerialNumber())).isFalse();
    assertThat(crlOnDisk().isRevoked(old)).isFalse();
    assertThatThrownBy(() -> registry.renew("web01", old.getSerialNumber(),
        TestPki.csr("web01", key)))
        .hasMessageContaining("is not the current one");

    // The first call with the new certificate proves it arrived.
    assertThat(revocations.refuses(fresh.getSerialNumber())).isFalse();

    assertThat(revocations.refuses(old.getSerialNumber())).isTrue();
    assertThat(crlOnDisk().isRevoked(old)).isTrue();
    assertThat(crlOnDisk().isRevoked(fresh)).isFalse();
    assertThat(Revocations.load(ca, store, dir.resolve("ca")).isRevoked(old.getSerialNumber()))
        .isTrue();
  }

  @Test
  void aSupersededCertificateUnusedSuccessorOrNotIsRefusedWhenTheGraceRunsOut()
      throws Exception {
    KeyPair key = TestPki.ecKey();
    X509Certificate old = signed("web01", key);
    registry.renew("web01", old.getSerialNumber(), TestPki.csr("web01", key));

    clock.advance(Revocations.SUPERSEDED_GRACE.minusMinutes(1));
    // A restart in between: the grace is stored, not only remembered.
    Revocations reloaded = Revocations.load(ca, store, dir.resolve("ca"));
    assertThat(reloaded.refuses(old.getSerialNumber())).isFalse();
    clock.advance(Duration.ofMinutes(2));

    assertThat(reloaded.refuses(old.getSerialNumber())).isTrue();
    assertThat(crlOnDisk().isRevoked(old)).isTrue();
  }

  @Test
  void revokingANodeAlsoEndsTheGraceOfItsSupersededCertificate() throws Exception {
    KeyPair key = TestPki.ecKey();
    X509Certificate old = signed("web01", key);
    registry.renew("web01", old.getSerialNumber(), TestPki.csr("web01", key));

    registry.revoke("web01");

    assertThat(revocations.refuses(old.getSerialNumber())).isTrue();
    assertThat(crlOnDisk().isRevoked(old)).isTrue();
  }

  @Test
  void aNodeRenewsAtMostOncePerIntervalAndIsToldWhenToRetry() throws Exception {
    KeyPair key = TestPki.ecKey();
    X509Certificate first = signed("web01", key);
    X509Certificate second = Pem.parseCertificate(registry.renew("web01",
        first.getSerialNumber(), TestPki.csr("web01", key)).getCertificatePem());
    revocations.refuses(second.getSerialNumber());
    clock.advance(CertificateRegistry.RENEWAL_INTERVAL.minusMinutes(1));

    assertThatThrownBy(() -> registry.renew("web01", second.getSerialNumber(),
        TestPki.csr("web01", key)))
        .isInstanceOf(CaException.class)
        .satisfies(e -> assertThat(((CaException) e).reason())
            .isEqualTo(CaException.Reason.RATE_LIMITED))
        .hasMessageContaining("renews at most once per 60 minutes: retry after "
            + clock.instant().plus(Duration.ofMinutes(1)).toString().substring(0, 16));
    assertThat(registry.fetch("web01").getCertificatePem()).isEqualTo(
        Pem.certificate(second));

    clock.advance(Duration.ofMinutes(2));
    assertThat(registry.renew("web01", second.getSerialNumber(), TestPki.csr("web01", key))
        .getState()).isEqualTo(CertificateState.SIGNED);
  }

  @Test
  void theCrlListsOnlyRevokedCertificatesThatCouldStillBePresented() throws Exception {
    X509CRL empty = crlOnDisk();
    CertificateRegistry shortLived = new CertificateRegistry(ca, store,
        AutosignPolicy.glob("*"), revocations, Duration.ofHours(2));
    KeyPair key = TestPki.ecKey();
    X509Certificate current = Pem.parseCertificate(shortLived.submit("web01",
        TestPki.csr("web01", key)).getCertificatePem());
    List<X509Certificate> superseded = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      clock.advance(CertificateRegistry.RENEWAL_INTERVAL.plusMinutes(1));
      X509Certificate next = Pem.parseCertificate(shortLived.renew("web01",
          current.getSerialNumber(), TestPki.csr("web01", key)).getCertificatePem());
      revocations.refuses(next.getSerialNumber());
      superseded.add(current);
      current = next;
    }

    X509CRL crl = crlOnDisk();
    assertThat(superseded.get(superseded.size() - 1)).satisfies(c ->
        assertThat(crl.isRevoked(c)).isTrue());
    assertThat(crl.isRevoked(superseded.get(0))).isFalse();
    // Certificates valid 2 h, renewed every 61 min, listed until a day after expiry.
    assertThat(crl.getRevokedCertificates()).hasSizeLessThan(30);
    assertThat(Files.size(dir.resolve("ca/crl.pem")))
        .isLessThan(empty.getEncoded().length * 2L + 30 * 60L);
    // Left out of the CRL, an expired certificate is still refused: it has expired.
    assertThatThrownBy(() -> superseded.get(0).checkValidity(Date.from(
        clock.instant()))).isInstanceOf(CertificateExpiredException.class);
    assertThat(revocations.isRevoked(superseded.get(superseded.size() - 1).getSerialNumber()))
        .isTrue();
  }

  @Test
  void aNodeMayRenewOnlyItsOwnName() throws Exception {
    X509Certificate cert = signed("web01", TestPki.ecKey());
    signed("db01", TestPki.ecKey());

    assertThatThrownBy(() -> registry.renew("web01", cert.getSerialNumber(),
        TestPki.csr("db01", TestPki.ecKey())))
        .isInstanceOf(CaException.class)
        .hasMessageContaining("may renew only its own certificate, not one for 'db01'");
    assertThatThrownBy(() -> registry.renew("web01", cert.getSerialNumber(), "garbage"))
        .isInstanceOf(CaException.class).hasMessageContaining("not a PEM PKCS#10 request");
  }

  @Test
  void theCrlIsReSignedOnRefreshAndItsAgeIsMeasured() throws Exception {
    X509CRL first = crlOnDisk();
    clock.advance(Duration.ofHours(30));
    assertThat(revocations.crlAgeSeconds()).isEqualTo(Duration.ofHours(30).toSeconds());

    revocations.refresh();

    X509CRL second = crlOnDisk();
    assertThat(revocations.crlAgeSeconds()).isZero();
    assertThat(second.getThisUpdate()).isAfter(first.getThisUpdate());
    assertThat(crlNumber(second)).isGreaterThan(crlNumber(first));
    assertThat(ca.ageSeconds()).isGreaterThanOrEqualTo(Duration.ofHours(30).toSeconds());
    assertThat(ca.secondsUntilExpiry()).isPositive();
  }

  @Test
  void caKeyAndDirectoryAreOwnerOnly() throws Exception {
    assertThat(mode(dir.resolve("ca"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("ca/ca_key.pem"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("ca/crl.pem"))).isEqualTo("rw-r--r--");
  }

  @Test
  void aCaKeyLeftReadableByOthersIsTightenedOnLoad() throws Exception {
    Path key = dir.resolve("ca/ca_key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    CertificateAuthority reloaded = CertificateAuthority.loadOrCreate(dir.resolve("ca"));

    assertThat(reloaded.fingerprint()).isEqualTo(ca.fingerprint());
    assertThat(mode(key)).isEqualTo("rw-------");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static BigInteger crlNumber(X509CRL crl) throws Exception {
    byte[] extension = crl.getExtensionValue("2.5.29.20");
    return CRLNumber.getInstance(
        ASN1OctetString.getInstance(extension).getOctets())
        .getCRLNumber();
  }
}
