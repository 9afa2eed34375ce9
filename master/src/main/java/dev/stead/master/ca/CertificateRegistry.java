package dev.stead.master.ca;

import dev.stead.master.ca.CaException.Reason;
import dev.stead.master.storage.CertificateRecord;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.wire.Fingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
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

  public CertificateRegistry(CertificateAuthority ca, Store store, AutosignPolicy autosign) {
    this.ca = ca;
    this.store = store;
    this.autosign = autosign;
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
            + Fingerprints.of(issued) + "); a request for a new key is refused");
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
    return store.certificates().stream().map(CertificateRegistry::info).toList();
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

  /** Listing form: fingerprint and expiry of a certificate, the key's fingerprint if pending. */
  static CertificateInfo info(CertificateRecord record) {
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
      info.setFingerprint(Fingerprints.of(certificate))
          .setNotAfterMs(certificate.getNotAfter().getTime());
    }
    return info.build();
  }

  private static String keyFingerprint(ValidatedCsr csr) {
    return Fingerprints.ofDer(csr.publicKey().getEncoded());
  }
}
