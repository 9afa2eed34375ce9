package dev.stead.master.ca;

import dev.stead.master.ca.CaException.Reason;
import dev.stead.master.storage.CertificateRecord;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.proto.v1.RevokedCertificate;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.wire.Fingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The lifecycle of node certificates: requests arrive, wait or are autosigned, get signed,
 * and are looked up. One active certificate per name: a request for a name that already has
 * a certificate or a pending request is accepted only when it is for the same key (an agent
 * retrying), and refused otherwise. State lives in the {@link Store}. Thread-safe.
 */
public final class CertificateRegistry {
  /** How long a node certificate is valid. */
  public static final Duration NODE_VALIDITY = Duration.ofDays(365);
  private static final Logger LOG = Logger.getLogger(CertificateRegistry.class.getName());

  private final CertificateAuthority ca;
  private final Store store;
  private final AutosignPolicy autosign;
  private final Revocations revocations;

  public CertificateRegistry(CertificateAuthority ca, Store store, AutosignPolicy autosign,
      Revocations revocations) {
    this.ca = ca;
    this.store = store;
    this.autosign = autosign;
    this.revocations = revocations;
  }

  public Revocations revocations() {
    return revocations;
  }

  public CertificateAuthority authority() {
    return ca;
  }

  /**
   * Accepts a CSR for {@code certname}: stored as pending, or signed at once when the
   * autosign policy allows.
   *
   * @throws CaException INVALID for a bad name or CSR, CONFLICT when the name is taken by
   *     another key
   */
  public synchronized CertificateStatus submit(String certname, String csrPem)
      throws CaException {
    ValidatedCsr csr = CsrValidator.validate(certname, csrPem);
    Optional<CertificateRecord> existing = store.certificate(certname);
    if (existing.isPresent()) {
      CertificateRecord record = existing.get();
      if (record.state() == CertificateState.PENDING) {
        ValidatedCsr pending = CsrValidator.validate(certname, record.csrPem());
        if (!csr.sameKey(pending.publicKey())) {
          throw new CaException(Reason.CONFLICT, "a different certificate request for '"
              + certname + "' is already pending (key " + keyFingerprint(pending) + ")");
        }
        // Same key: an agent retrying. Fall through, the policy may have changed since.
      } else {
        X509Certificate issued = Pem.parseCertificate(record.certificatePem());
        if (record.state() == CertificateState.SIGNED && csr.sameKey(issued.getPublicKey())) {
          return status(record);
        }
        throw new CaException(Reason.CONFLICT, "'" + certname + "' already has a "
            + record.state().name().toLowerCase(Locale.ROOT) + " certificate ("
            + Fingerprints.of(issued) + "); a request for a new key is refused until an"
            + " operator runs `stead ca clean " + certname + "`");
      }
    } else {
      store.putCertificate(CertificateRecord.pending(certname, csr.pem()));
    }
    if (autosign.allows(csr)) {
      CertificateRecord signed = issue(csr);
      LOG.info(() -> "autosigned the certificate of " + certname);
      return status(signed);
    }
    return CertificateStatus.newBuilder()
        .setCertname(certname)
        .setState(CertificateState.PENDING)
        .build();
  }

  /** The state of {@code certname} (UNKNOWN when nothing is known), with its PEM if signed. */
  public CertificateStatus fetch(String certname) throws CaException {
    requireValidName(certname);
    return store.certificate(certname)
        .map(CertificateRegistry::status)
        .orElseGet(() -> CertificateStatus.newBuilder()
            .setCertname(certname)
            .setState(CertificateState.UNKNOWN)
            .build());
  }

  /**
   * Signs the pending request of {@code certname}.
   *
   * @throws CaException NOT_FOUND without a request, CONFLICT when already signed
   */
  public synchronized CertificateInfo sign(String certname) throws CaException {
    requireValidName(certname);
    CertificateRecord record = store.certificate(certname).orElseThrow(() -> new CaException(
        Reason.NOT_FOUND, "there is no certificate request for '" + certname + "'"));
    if (record.state() != CertificateState.PENDING) {
      throw new CaException(Reason.CONFLICT, "'" + certname + "' is already "
          + record.state().name().toLowerCase(Locale.ROOT));
    }
    CertificateRecord signed = issue(CsrValidator.validate(certname, record.csrPem()));
    LOG.info(() -> "signed the certificate of " + certname);
    return info(signed);
  }

  /** Every pending, signed and revoked certificate, sorted by name. */
  public List<CertificateInfo> list() {
    Map<String, RevokedCertificate> revoked = new HashMap<>();
    store.revocations().forEach(r -> revoked.put(r.getSerial(), r));
    return store.certificates().stream().map(r -> info(r, revoked)).toList();
  }

  /**
   * Revokes the signed certificate of {@code certname}: recorded, in the CRL and refused on
   * every call from now on. The record stays (as revoked) until {@link #clean}.
   *
   * @throws CaException NOT_FOUND when the name has no certificate, CONFLICT when it is only
   *     pending (nothing to revoke; clean it) or already revoked
   */
  public synchronized CertificateInfo revoke(String certname) throws CaException, IOException {
    requireValidName(certname);
    CertificateRecord record = store.certificate(certname).orElseThrow(() -> new CaException(
        Reason.NOT_FOUND, "'" + certname + "' has no certificate"));
    switch (record.state()) {
      case PENDING -> throw new CaException(Reason.CONFLICT, "'" + certname
          + "' has only a pending request, nothing to revoke; `stead ca clean " + certname
          + "` discards it");
      case REVOKED -> throw new CaException(Reason.CONFLICT, "'" + certname
          + "' is already revoked");
      default -> { }
    }
    CertificateRecord revoked = revokeSigned(record, "revoked");
    return list().stream().filter(i -> i.getCertname().equals(certname)).findFirst()
        .orElseGet(() -> info(revoked, Map.of()));
  }

  /**
   * Forgets everything about {@code certname} so that it may request a certificate again: a
   * pending request is discarded, a signed certificate is revoked first, a revoked one
   * stays in the CRL.
   *
   * @throws CaException NOT_FOUND when nothing is known about the name
   */
  public synchronized CleanCertificateResponse clean(String certname)
      throws CaException, IOException {
    requireValidName(certname);
    CertificateRecord record = store.certificate(certname).orElseThrow(() -> new CaException(
        Reason.NOT_FOUND, "nothing is known about '" + certname + "'"));
    boolean revoked = false;
    if (record.state() == CertificateState.SIGNED) {
      revokeSigned(record, "revoked");
      revoked = true;
    }
    store.deleteCertificate(certname);
    LOG.info(() -> "cleaned " + certname);
    return CleanCertificateResponse.newBuilder().setCertname(certname)
        .setPreviousState(record.state()).setRevoked(revoked).build();
  }

  /**
   * Issues a fresh certificate to the node {@code callerCn}, which proved its identity with
   * its current certificate; the current one is revoked as superseded once the new one is
   * stored. The CSR goes through the same validation as a first request and must be for
   * {@code callerCn}; its key may be new or the same.
   *
   * @throws CaException INVALID for a bad CSR or one for another name, CONFLICT when the
   *     caller's certificate is no longer the current one
   */
  public synchronized CertificateStatus renew(String callerCn, BigInteger callerSerial,
      String csrPem) throws CaException, IOException {
    CsrValidator.requireCnIn(callerCn, csrPem);
    ValidatedCsr csr = CsrValidator.validate(callerCn, csrPem);
    CertificateRecord current = store.certificate(callerCn)
        .filter(r -> r.state() == CertificateState.SIGNED)
        .orElseThrow(() -> new CaException(Reason.CONFLICT, "'" + callerCn
            + "' has no signed certificate to renew"));
    X509Certificate old = Pem.parseCertificate(current.certificatePem());
    if (!old.getSerialNumber().equals(callerSerial)) {
      throw new CaException(Reason.CONFLICT, "the certificate presented (serial "
          + Revocations.hex(callerSerial) + ") is not the current one of '" + callerCn + "'");
    }
    CertificateRecord renewed = issue(csr);
    revocations.revoke(revocation(callerCn, old, "superseded"));
    LOG.info(() -> "renewed the certificate of " + callerCn);
    return status(renewed);
  }

  /** Revocation first, record second: a crash between leaves the serial refused. */
  private CertificateRecord revokeSigned(CertificateRecord record, String reason)
      throws IOException {
    X509Certificate certificate = Pem.parseCertificate(record.certificatePem());
    revocations.revoke(revocation(record.certname(), certificate, reason));
    CertificateRecord revoked = new CertificateRecord(record.certname(),
        CertificateState.REVOKED, "", record.certificatePem());
    store.putCertificate(revoked);
    return revoked;
  }

  private RevokedCertificate revocation(String certname, X509Certificate certificate,
      String reason) {
    return RevokedCertificate.newBuilder()
        .setCertname(certname)
        .setSerial(Revocations.hex(certificate.getSerialNumber()))
        .setRevokedAtMs(ca.clock().millis())
        .setNotAfterMs(certificate.getNotAfter().getTime())
        .setFingerprint(Fingerprints.of(certificate))
        .setReason(reason)
        .build();
  }

  private CertificateRecord issue(ValidatedCsr csr) {
    X509Certificate certificate =
        ca.issueClient(csr.certname(), csr.publicKey(), NODE_VALIDITY);
    CertificateRecord signed =
        CertificateRecord.signed(csr.certname(), Pem.certificate(certificate));
    store.putCertificate(signed);
    return signed;
  }

  private static void requireValidName(String certname) throws CaException {
    String problem = Certnames.problem(certname);
    if (problem != null) {
      throw new CaException(Reason.INVALID, problem);
    }
  }

  private static CertificateStatus status(CertificateRecord record) {
    return CertificateStatus.newBuilder()
        .setCertname(record.certname())
        .setState(record.state())
        .setCertificatePem(record.certificatePem())
        .build();
  }

  static CertificateInfo info(CertificateRecord record) {
    return info(record, Map.of());
  }

  /**
   * Listing form: fingerprint, serial and expiry of a certificate (with the revocation time
   * when its serial is in {@code revoked}), the key's fingerprint if pending.
   */
  static CertificateInfo info(CertificateRecord record, Map<String, RevokedCertificate> revoked) {
    CertificateInfo.Builder info = CertificateInfo.newBuilder()
        .setCertname(record.certname())
        .setState(record.state());
    if (record.state() == CertificateState.PENDING) {
      try {
        info.setFingerprint(Fingerprints.ofDer(
            Pem.parseCsr(record.csrPem()).getSubjectPublicKeyInfo().getEncoded()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      X509Certificate certificate = Pem.parseCertificate(record.certificatePem());
      String serial = Revocations.hex(certificate.getSerialNumber());
      info.setFingerprint(Fingerprints.of(certificate))
          .setNotAfterMs(certificate.getNotAfter().getTime())
          .setSerial(serial);
      RevokedCertificate revocation = revoked.get(serial);
      if (revocation != null) {
        // Also covers a crash between recording the revocation and updating the record.
        info.setState(CertificateState.REVOKED).setRevokedAtMs(revocation.getRevokedAtMs());
      }
    }
    return info.build();
  }

  private static String keyFingerprint(ValidatedCsr csr) {
    return Fingerprints.ofDer(csr.publicKey().getEncoded());
  }
}
