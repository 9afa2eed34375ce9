package dev.stead.master.ca;

import dev.stead.master.ca.CaException.Reason;
import dev.stead.master.storage.CertificateRecord;
import dev.stead.master.storage.CertificateStore;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.proto.v1.RevokedCertificate;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The lifecycle of node certificates: requests arrive, wait or are autosigned, get signed,
 * renewed and are looked up. One active certificate per name: a request for a name that
 * already has a certificate is accepted only when it is for the same key (an agent
 * retrying), and refused otherwise; a pending name keeps every different key that asked for
 * it until an operator signs one. State lives in the {@link CertificateStore}. Thread-safe.
 */
public final class CertificateRegistry {
  /** How long a node certificate is valid. */
  public static final Duration NODE_VALIDITY = Duration.ofDays(365);
  /** A certificate issued by a renewal is renewed again no sooner than this. */
  public static final Duration RENEWAL_INTERVAL = Duration.ofHours(1);
  /** Different keys remembered for one pending name; more are refused until one is signed. */
  static final int MAX_PENDING_KEYS = 8;
  private static final Logger LOG = Logger.getLogger(CertificateRegistry.class.getName());

  private final CertificateAuthority ca;
  private final CertificateStore store;
  private final AutosignPolicy autosign;
  private final Revocations revocations;
  private final Duration nodeValidity;
  /** On a shared store: renewals a master without the CA key keeps for the CA master. */
  private final RenewalRequests renewals;

  public CertificateRegistry(CertificateAuthority ca, CertificateStore store,
      AutosignPolicy autosign, Revocations revocations) {
    this(ca, store, autosign, revocations, NODE_VALIDITY, null);
  }

  /**
   * As above on a store other masters share: a master without the CA key keeps the renewals
   * it receives in {@code shared}, and the CA master signs them ({@link #renewWaiting}).
   */
  public CertificateRegistry(CertificateAuthority ca, CertificateStore store,
      AutosignPolicy autosign, Revocations revocations,
      dev.stead.master.storage.SharedState shared) {
    this(ca, store, autosign, revocations, NODE_VALIDITY,
        shared == null ? null : new RenewalRequests(shared));
  }

  /** As above, issuing node certificates valid for {@code nodeValidity} (tests: short). */
  CertificateRegistry(CertificateAuthority ca, CertificateStore store,
      AutosignPolicy autosign, Revocations revocations, Duration nodeValidity) {
    this(ca, store, autosign, revocations, nodeValidity, null);
  }

  private CertificateRegistry(CertificateAuthority ca, CertificateStore store,
      AutosignPolicy autosign, Revocations revocations, Duration nodeValidity,
      RenewalRequests renewals) {
    this.renewals = renewals;
    this.ca = ca;
    this.store = store;
    this.autosign = autosign;
    this.revocations = revocations;
    this.nodeValidity = nodeValidity;
  }

  public Revocations revocations() {
    return revocations;
  }

  public CertificateAuthority authority() {
    return ca;
  }

  /**
   * Accepts a CSR for {@code certname}: stored as pending, or signed at once when the
   * autosign policy allows. Every different key that asks for a pending name is remembered
   * (at most {@link #MAX_PENDING_KEYS}), so that a request submitted first by someone else
   * cannot take the place of the real node's: the operator sees all of them. Autosign signs
   * a request only when no other key pending for the name would be allowed too; when two
   * are, neither is signed and the operator picks one by fingerprint.
   *
   * @throws CaException INVALID for a bad name or CSR, CONFLICT when the name has a
   *     certificate for another key or too many different keys asked for it
   */
  public synchronized CertificateStatus submit(String certname, String csrPem)
      throws CaException {
    ValidatedCsr csr = CsrValidator.validate(certname, csrPem);
    Optional<CertificateRecord> existing = store.certificate(certname);
    List<ValidatedCsr> pending = new ArrayList<>();
    if (existing.isPresent()) {
      CertificateRecord record = existing.get();
      if (record.state() != CertificateState.PENDING) {
        X509Certificate issued = Pem.parseCertificate(record.certificatePem());
        if (record.state() == CertificateState.SIGNED && csr.sameKey(issued.getPublicKey())) {
          return status(record);
        }
        throw new CaException(Reason.CONFLICT, "'" + certname + "' already has a "
            + record.state().name().toLowerCase(Locale.ROOT) + " certificate ("
            + Fingerprints.of(issued) + "); a request for a new key is refused until an"
            + " operator runs `stead ca clean " + certname + "`");
      }
      pending.addAll(pendingRequests(record));
    }
    int same = indexOfKey(pending, csr);
    if (same >= 0) {
      pending.set(same, csr); // an agent retrying, perhaps with a new challenge
    } else if (pending.size() >= MAX_PENDING_KEYS) {
      throw new CaException(Reason.CONFLICT, pending.size() + " different keys already asked"
          + " for '" + certname + "'; an operator must sign one (`stead ca sign " + certname
          + " --fingerprint ...`) or run `stead ca clean " + certname + "`");
    } else {
      pending.add(csr);
      if (pending.size() > 1) {
        LOG.warning(() -> "another key (" + keyFingerprint(csr) + ") asked for '" + certname
            + "', which " + (pending.size() - 1) + " other key(s) asked for already: an"
            + " operator must pick one by fingerprint");
      }
    }
    store.putCertificate(CertificateRecord.pending(certname,
        pending.stream().map(ValidatedCsr::pem).toList()));
    if (ca.maySign()) {
      Optional<CertificateRecord> signed = autosign(certname, pending, csr);
      if (signed.isPresent()) {
        return status(signed.get());
      }
    }
    return CertificateStatus.newBuilder()
        .setCertname(certname)
        .setState(CertificateState.PENDING)
        .build();
  }

  /**
   * Signs {@code csr} when the autosign policy allows it and no other key pending for the
   * name would be allowed too; returns what was issued.
   */
  private Optional<CertificateRecord> autosign(String certname, List<ValidatedCsr> pending,
      ValidatedCsr csr) {
    if (!autosign.allows(csr)) {
      return Optional.empty();
    }
    List<String> rivals = pending.stream()
        .filter(other -> !other.sameKey(csr.publicKey()) && autosign.allows(other))
        .map(CertificateRegistry::keyFingerprint).toList();
    if (rivals.isEmpty()) {
      CertificateRecord signed = issue(csr);
      LOG.info(() -> "autosigned the certificate of " + certname);
      return Optional.of(signed);
    }
    LOG.warning(() -> "not autosigning '" + certname + "': the autosign policy allows"
        + " several keys that asked for it (" + keyFingerprint(csr) + ", "
        + String.join(", ", rivals) + "); an operator must pick one by fingerprint");
    return Optional.empty();
  }

  /**
   * On the master holding the CA key of a shared store: applies the autosign policy to the
   * requests other masters stored (they cannot sign). Returns how many were signed.
   */
  public synchronized int autosignWaiting() {
    if (!ca.maySign()) {
      return 0;
    }
    int signed = 0;
    for (CertificateRecord record : store.pendingCertificates()) {
      try {
        List<ValidatedCsr> pending = pendingRequests(record);
        for (ValidatedCsr csr : pending) {
          if (autosign(record.certname(), pending, csr).isPresent()) {
            signed++;
            break;
          }
        }
      } catch (CaException | RuntimeException e) {
        LOG.warning(() -> "cannot autosign the waiting request of '" + record.certname()
            + "': " + e.getMessage());
      }
    }
    return signed;
  }

  /**
   * On the CA master of a shared store: signs the renewals other masters stored, as
   * {@link #renew} would have; one that is no longer valid (the node renewed since, or was
   * revoked) is dropped with a warning. Returns how many were signed.
   */
  public int renewWaiting() {
    if (!ca.maySign() || renewals == null) {
      return 0;
    }
    int signed = 0;
    for (RenewalRequests.Request request : renewals.all()) {
      try {
        renew(request.certname(), request.serial(), request.csrPem());
        signed++;
      } catch (CaException | IOException | RuntimeException e) {
        LOG.warning(() -> "dropped the stored renewal of '" + request.certname() + "': "
            + e.getMessage());
      } finally {
        renewals.remove(request.certname());
      }
    }
    return signed;
  }

  /** Signing needs the CA key; a master without it says where signing happens. */
  private void requireCaKey(String what) throws CaException {
    String suspended = ca.suspendedBecause();
    if (ca.holdsKey() && suspended != null) {
      throw new CaException(Reason.UNAVAILABLE, "this master cannot " + what + " now: "
          + suspended + "; the request is kept");
    }
    if (!ca.holdsKey()) {
      throw new CaException(Reason.UNAVAILABLE, "this master does not hold the CA key, so "
          + "cannot " + what + ": the master started with the CA role (--ca) does; the "
          + "request is kept in the shared store");
    }
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
   * Signs the pending request of {@code certname}: the only one, or, with a
   * {@code fingerprint} (of the key, as listed and as the agent prints it), exactly the one
   * for that key. The other requests for the name are dropped.
   *
   * @throws CaException NOT_FOUND without a request or without one for {@code fingerprint},
   *     CONFLICT when already signed, or when several keys asked for the name and no
   *     {@code fingerprint} says which
   */
  public synchronized CertificateInfo sign(String certname, String fingerprint)
      throws CaException {
    requireValidName(certname);
    requireCaKey("sign '" + certname + "'");
    CertificateRecord record = store.certificate(certname).orElseThrow(() -> new CaException(
        Reason.NOT_FOUND, "there is no certificate request for '" + certname + "'"));
    if (record.state() != CertificateState.PENDING) {
      throw new CaException(Reason.CONFLICT, "'" + certname + "' is already "
          + record.state().name().toLowerCase(Locale.ROOT));
    }
    List<ValidatedCsr> pending = pendingRequests(record);
    List<String> fingerprints = pending.stream().map(CertificateRegistry::keyFingerprint)
        .toList();
    ValidatedCsr chosen;
    if (fingerprint == null || fingerprint.isBlank()) {
      if (pending.size() > 1) {
        throw new CaException(Reason.CONFLICT, pending.size() + " different keys asked for '"
            + certname + "': " + String.join(", ", fingerprints) + ". Sign the one whose"
            + " fingerprint the agent on " + certname + " printed: `stead ca sign " + certname
            + " --fingerprint FINGERPRINT`");
      }
      chosen = pending.get(0);
    } else {
      chosen = pending.stream()
          .filter(csr -> Fingerprints.matches(keyFingerprint(csr), fingerprint))
          .findFirst()
          .orElseThrow(() -> new CaException(Reason.NOT_FOUND, "no key with fingerprint "
              + fingerprint.trim() + " asked for '" + certname + "'; pending: "
              + String.join(", ", fingerprints)));
    }
    CertificateRecord signed = issue(chosen);
    LOG.info(() -> "signed the certificate of " + certname + " for key "
        + keyFingerprint(chosen) + (pending.size() > 1 ? "; dropped the requests of "
            + (pending.size() - 1) + " other key(s)" : ""));
    return info(signed);
  }

  /** As {@link #sign(String, String)} without a fingerprint. */
  public CertificateInfo sign(String certname) throws CaException {
    return sign(certname, "");
  }

  /** Every pending, signed and revoked certificate, sorted by name. */
  public List<CertificateInfo> list() {
    Map<String, RevokedCertificate> revoked = new HashMap<>();
    store.revocations().forEach(r -> revoked.put(r.getSerial(), r));
    return store.certificates().stream().flatMap(r -> infos(r, revoked).stream()).toList();
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
        .orElseGet(() -> info(revoked));
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
   * its current certificate. The current one is superseded: still accepted until the new one
   * is first used or {@link Revocations#SUPERSEDED_GRACE} passes, so that a node whose answer
   * got lost keeps working and fetches the new certificate (it is the name's current one).
   * A node renews at most once per {@link #RENEWAL_INTERVAL}. The CSR goes through the same
   * validation as a first request and must be for {@code callerCn}; its key may be new or
   * the same.
   *
   * @throws CaException INVALID for a bad CSR or one for another name, CONFLICT when the
   *     caller's certificate is no longer the current one, RATE_LIMITED when the current one
   *     came from a renewal less than {@link #RENEWAL_INTERVAL} ago
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
          + Revocations.hex(callerSerial) + ") is not the current one of '" + callerCn
          + "': fetch the current one (Bootstrap/FetchCertificate)");
    }
    Optional<RevokedCertificate> lastRenewal = revocations.supersededBy(old.getSerialNumber());
    if (lastRenewal.isPresent()) {
      Instant renewedAt = Instant.ofEpochMilli(lastRenewal.get().getRevokedAtMs());
      Instant retryAt = renewedAt.plus(RENEWAL_INTERVAL);
      if (ca.clock().instant().isBefore(retryAt)) {
        throw new CaException(Reason.RATE_LIMITED, "'" + callerCn + "' renewed its"
            + " certificate at " + renewedAt + "; a node renews at most once per "
            + RENEWAL_INTERVAL.toMinutes() + " minutes: retry after " + retryAt);
      }
    }
    if (!ca.maySign()) {
      if (renewals == null) {
        requireCaKey("renew the certificate of '" + callerCn + "'");
      }
      renewals.put(callerCn, callerSerial, csrPem);
      throw new CaException(Reason.UNAVAILABLE, "this master "
          + (ca.holdsKey() ? "does not sign now (" + ca.suspendedBecause() + ")"
              : "does not hold the CA key") + ": it"
          + " stored the renewal of '" + callerCn + "' for the CA master, which signs it"
          + " within seconds; the agent picks up the new certificate at its next run");
    }
    CertificateRecord renewed = issue(csr);
    X509Certificate fresh = Pem.parseCertificate(renewed.certificatePem());
    revocations.revoke(revocation(callerCn, old, "superseded").toBuilder()
        .setSupersededBy(Revocations.hex(fresh.getSerialNumber()))
        .setGraceUntilMs(ca.clock().instant().plus(Revocations.SUPERSEDED_GRACE).toEpochMilli())
        .build());
    LOG.info(() -> "renewed the certificate of " + callerCn);
    return status(renewed);
  }

  /** Revocation first, record second: a crash between leaves the serial refused. */
  private CertificateRecord revokeSigned(CertificateRecord record, String reason)
      throws IOException {
    X509Certificate certificate = Pem.parseCertificate(record.certificatePem());
    revocations.revoke(revocation(record.certname(), certificate, reason));
    CertificateRecord revoked = new CertificateRecord(record.certname(),
        CertificateState.REVOKED, List.of(), record.certificatePem());
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
        ca.issueClient(csr.certname(), csr.publicKey(), nodeValidity);
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

  /** The listing form of a signed or revoked record. */
  static CertificateInfo info(CertificateRecord record) {
    return infos(record, Map.of()).get(0);
  }

  /**
   * Listing form: fingerprint, serial and expiry of a certificate (with the revocation time
   * when its serial is in {@code revoked}); one entry per key that asked, with the key's
   * fingerprint, if pending.
   */
  static List<CertificateInfo> infos(CertificateRecord record,
      Map<String, RevokedCertificate> revoked) {
    if (record.state() == CertificateState.PENDING) {
      List<CertificateInfo> out = new ArrayList<>();
      for (String csrPem : record.csrPems()) {
        String fingerprint;
        try {
          fingerprint = Fingerprints.ofDer(
              Csrs.parse(csrPem).getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        out.add(CertificateInfo.newBuilder().setCertname(record.certname())
            .setState(CertificateState.PENDING).setFingerprint(fingerprint).build());
      }
      return out;
    }
    X509Certificate certificate = Pem.parseCertificate(record.certificatePem());
    String serial = Revocations.hex(certificate.getSerialNumber());
    CertificateInfo.Builder info = CertificateInfo.newBuilder()
        .setCertname(record.certname())
        .setState(record.state())
        .setFingerprint(Fingerprints.of(certificate))
        .setNotAfterMs(certificate.getNotAfter().getTime())
        .setSerial(serial);
    RevokedCertificate revocation = revoked.get(serial);
    if (revocation != null) {
      // Also covers a crash between recording the revocation and updating the record.
      info.setState(CertificateState.REVOKED).setRevokedAtMs(revocation.getRevokedAtMs());
    }
    return List.of(info.build());
  }

  /** The stored requests of a pending record; they were validated when they came in. */
  private static List<ValidatedCsr> pendingRequests(CertificateRecord record)
      throws CaException {
    List<ValidatedCsr> out = new ArrayList<>();
    for (String pem : record.csrPems()) {
      out.add(CsrValidator.validate(record.certname(), pem));
    }
    return out;
  }

  private static int indexOfKey(List<ValidatedCsr> csrs, ValidatedCsr wanted) {
    for (int i = 0; i < csrs.size(); i++) {
      if (csrs.get(i).sameKey(wanted.publicKey())) {
        return i;
      }
    }
    return -1;
  }

  /** The fingerprint of the key a request is for: what the agent prints and the list shows. */
  private static String keyFingerprint(ValidatedCsr csr) {
    try {
      return Fingerprints.ofDer(csr.request().getSubjectPublicKeyInfo().getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
