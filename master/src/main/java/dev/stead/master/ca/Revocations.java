package dev.stead.master.ca;

import dev.stead.master.storage.CertificateStore;
import dev.stead.proto.v1.RevokedCertificate;
import dev.stead.wire.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The revoked serials and the CRL that publishes them ({@code caDir/}{@value #CRL_FILE},
 * signed by the CA). The set lives in the {@link CertificateStore}, so it survives restarts
 * and outlives {@code stead ca clean}; a copy in memory answers {@link #refuses} on every call
 * without touching the disk. On a store other masters share, {@link #reloadIfChanged} brings
 * in what they revoked.
 *
 * <p>A certificate superseded by a renewal stays accepted for a grace period
 * ({@link #SUPERSEDED_GRACE}) or until its successor is first used, whichever comes first: an
 * agent that never received the answer to its renewal keeps working with the old one and can
 * still fetch the new one, and the first call with the new one proves it arrived.
 *
 * <p>Serials of certificates that expired more than {@link #KEPT_AFTER_EXPIRY} ago are left
 * out of the CRL and of the set in memory (an expired certificate is refused by its validity
 * check, in the handshake and on every call), so the CRL stays as small as the number of
 * revoked certificates that could still be presented. They stay in the store.
 *
 * <p>The CRL is re-signed on every change and by {@link #refresh} (the master calls it
 * daily); it is valid for {@link #CRL_VALIDITY}, so a master that stops refreshing is noticed
 * through {@link #crlAgeSeconds} a week before anyone relying on the file would fail.
 * Thread-safe.
 */
public final class Revocations {
  public static final String CRL_FILE = "crl.pem";
  /** nextUpdate - thisUpdate of every CRL. */
  public static final Duration CRL_VALIDITY = Duration.ofDays(7);
  /** How often the master re-signs the CRL even when nothing changed. */
  public static final Duration REFRESH_INTERVAL = Duration.ofDays(1);
  /** How long a superseded certificate stays accepted when its successor is not used. */
  public static final Duration SUPERSEDED_GRACE = Duration.ofHours(24);
  /**
   * How long an entry stays in the CRL after its certificate expired: RFC 5280 (5.1.2.6)
   * wants it on one regularly scheduled CRL issued after the expiry, and the CRL is re-signed
   * at least every {@link #REFRESH_INTERVAL}.
   */
  public static final Duration KEPT_AFTER_EXPIRY = REFRESH_INTERVAL;
  /** How often a master on a shared store looks for revocations other masters recorded. */
  public static final Duration SHARED_RELOAD_INTERVAL = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

  /** The shared value holding the CRL the CA master signed last, for the other masters. */
  public static final String SHARED_CRL = "ca/crl";

  private final CertificateAuthority ca;
  private final CertificateStore store;
  private final Path crlFile;
  /** Null unless the store is shared: then the CA master puts the CRL there, others read it. */
  private final dev.stead.master.storage.SharedState shared;
  private String lastSharedCrl = "";
  private volatile State state = State.EMPTY;
  private volatile X509CRL crl;
  private BigInteger lastNumber = BigInteger.ZERO;
  /** The revocations as last read from the store (what {@link #reloadIfChanged} compares). */
  private List<RevokedCertificate> lastRead = List.of();

  /**
   * What the per-call check needs, rebuilt on every change. Immutable.
   *
   * @param refused serials refused now, whatever the time
   * @param inGrace superseded serials still accepted, until their {@code grace_until_ms}
   * @param graceBySuccessor the serial in grace, by the serial of the certificate replacing it
   * @param bySuccessor every current supersession, by the serial that replaced it
   */
  private record State(Set<BigInteger> refused, Map<BigInteger, RevokedCertificate> inGrace,
      Map<BigInteger, BigInteger> graceBySuccessor,
      Map<BigInteger, RevokedCertificate> bySuccessor) {
    static final State EMPTY = new State(Set.of(), Map.of(), Map.of(), Map.of());
  }

  private Revocations(CertificateAuthority ca, CertificateStore store, Path crlFile,
      dev.stead.master.storage.SharedState shared) {
    this.ca = ca;
    this.store = store;
    this.crlFile = crlFile;
    this.shared = shared;
  }

  /** Loads the revoked serials from {@code store} and publishes a fresh CRL in {@code caDir}. */
  public static Revocations load(CertificateAuthority ca, CertificateStore store, Path caDir)
      throws IOException {
    return load(ca, store, caDir, null);
  }

  /**
   * As above on a store several masters share: the master holding the CA key also puts each
   * CRL it signs into {@code shared}; a master without the key refuses what the store lists
   * and publishes the CA master's CRL from {@code shared} (none until the CA master signed
   * one).
   */
  public static Revocations load(CertificateAuthority ca, CertificateStore store, Path caDir,
      dev.stead.master.storage.SharedState shared) throws IOException {
    if (!ca.holdsKey() && shared == null) {
      throw new IllegalArgumentException("a master without the CA key needs a shared store");
    }
    Revocations revocations = new Revocations(ca, store, caDir.resolve(CRL_FILE), shared);
    revocations.publish();
    return revocations;
  }

  /** Upper-case hex, the form serials are stored and shown in. */
  public static String hex(BigInteger serial) {
    return serial.toString(16).toUpperCase(Locale.ROOT);
  }

  /** True when {@code serial} is refused now (revoked, or superseded and out of grace). */
  public boolean isRevoked(BigInteger serial) {
    State current = state;
    if (current.refused().contains(serial)) {
      return true;
    }
    RevokedCertificate pending = current.inGrace().get(serial);
    return pending != null && ca.clock().millis() >= pending.getGraceUntilMs();
  }

  /**
   * The check made on every call that presents a certificate: true when {@code serial} is
   * refused. A certificate that replaced one still in grace is in use from this call on, so
   * the one it replaced is refused from now; a grace that ran out is recorded and published.
   */
  public boolean refuses(BigInteger serial) {
    State current = state;
    BigInteger predecessor = current.graceBySuccessor().get(serial);
    if (predecessor != null) {
      endGrace(predecessor, "its successor " + hex(serial) + " was used");
    }
    boolean refused = isRevoked(serial);
    if (refused && current.inGrace().containsKey(serial)) {
      endGrace(serial, "its grace period ran out");
    }
    return refused;
  }

  /** The revocation of {@code serial}, if any (a store read: for listings, not per call). */
  public Optional<RevokedCertificate> find(BigInteger serial) {
    String key = hex(serial);
    return store.revocations().stream().filter(r -> r.getSerial().equals(key)).findFirst();
  }

  /** The supersession by a renewal that issued {@code successor}, if it did and is known. */
  public Optional<RevokedCertificate> supersededBy(BigInteger successor) {
    return Optional.ofNullable(state.bySuccessor().get(successor));
  }

  /**
   * Records the revocation durably, refuses the serial from now on (or, for a supersession
   * with a {@code grace_until_ms}, from then on or its successor's first use), and re-signs
   * the CRL. A revocation with immediate effect also ends the grace of every certificate of
   * the same name still in grace: revoking a node revokes all of it. Idempotent for a serial
   * already revoked.
   */
  public synchronized void revoke(RevokedCertificate entry) throws IOException {
    store.putRevocation(entry);
    if (entry.getGraceUntilMs() == 0) {
      long now = ca.clock().millis();
      for (RevokedCertificate pending : state.inGrace().values()) {
        if (pending.getCertname().equals(entry.getCertname())) {
          store.putRevocation(pending.toBuilder().setGraceUntilMs(now).build());
        }
      }
    }
    publish();
    LOG.info(() -> (entry.getGraceUntilMs() == 0 ? "revoked serial " : "superseded serial ")
        + entry.getSerial() + " of " + entry.getCertname() + " (" + entry.getReason() + ")");
  }

  /**
   * Re-reads the revocations from the store and, when another master sharing the store
   * changed them, refuses and publishes what it recorded. Cheap when nothing changed: one read
   * of the revocations, no signing. Returns whether something changed.
   */
  public synchronized boolean reloadIfChanged() throws IOException {
    boolean newCrl = !ca.holdsKey()
        && !shared.sharedValue(SHARED_CRL).orElse("").equals(lastSharedCrl);
    if (store.revocations().equals(lastRead) && !newCrl) {
      return false;
    }
    publish();
    return true;
  }

  /** Re-signs the CRL with the current set (the daily refresh). */
  public synchronized void refresh() throws IOException {
    publish();
  }

  /**
   * The CRL last published; null on a master without the CA key until the CA master has
   * signed one.
   */
  public X509CRL crl() {
    return crl;
  }

  /**
   * Seconds since the published CRL was signed: a metric to alert on (over a day = stale);
   * -1 while there is none.
   */
  public long crlAgeSeconds() {
    X509CRL crl = this.crl;
    if (crl == null) {
      return -1;
    }
    return Duration.between(crl.getThisUpdate().toInstant(), ca.clock().instant()).toSeconds();
  }

  /** Seconds until the published CRL's nextUpdate. */
  public long crlSecondsUntilNextUpdate() {
    X509CRL crl = this.crl;
    if (crl == null) {
      return -1;
    }
    return Duration.between(ca.clock().instant(), crl.getNextUpdate().toInstant()).toSeconds();
  }

  /**
   * Refuses {@code serial} from now on, if it is still in grace. Memory changes before the CRL
   * file is written, so a failure to write it is logged and does not stop the caller.
   */
  private synchronized void endGrace(BigInteger serial, String why) {
    RevokedCertificate pending = state.inGrace().get(serial);
    if (pending == null) {
      return; // another call ended it first
    }
    long now = ca.clock().millis();
    store.putRevocation(pending.toBuilder()
        .setGraceUntilMs(Math.min(now, pending.getGraceUntilMs())).build());
    try {
      publish();
    } catch (IOException e) {
      LOG.warning("cannot write the CRL " + crlFile + ": " + e.getMessage());
    }
    LOG.info(() -> "superseded serial " + pending.getSerial() + " of " + pending.getCertname()
        + " is refused from now on: " + why);
  }

  private void publish() throws IOException {
    Instant now = ca.clock().instant();
    long nowMs = now.toEpochMilli();
    long keptAfterExpiryMs = KEPT_AFTER_EXPIRY.toMillis();
    List<RevokedCertificate> listed = new ArrayList<>();
    Set<BigInteger> refused = new HashSet<>();
    Map<BigInteger, RevokedCertificate> inGrace = new HashMap<>();
    Map<BigInteger, BigInteger> graceBySuccessor = new HashMap<>();
    Map<BigInteger, RevokedCertificate> bySuccessor = new HashMap<>();
    List<RevokedCertificate> read = store.revocations();
    for (RevokedCertificate entry : read) {
      // Entries of masters before the expiry was recorded have 0: kept, to be safe.
      if (entry.getNotAfterMs() != 0 && entry.getNotAfterMs() + keptAfterExpiryMs <= nowMs) {
        continue;
      }
      BigInteger serial = new BigInteger(entry.getSerial(), 16);
      BigInteger successor = entry.getSupersededBy().isEmpty() ? null
          : new BigInteger(entry.getSupersededBy(), 16);
      if (successor != null) {
        bySuccessor.put(successor, entry);
      }
      if (entry.getGraceUntilMs() > nowMs) {
        inGrace.put(serial, entry);
        if (successor != null) {
          graceBySuccessor.put(successor, serial);
        }
      } else {
        refused.add(serial);
        listed.add(entry);
      }
    }
    State fresh = new State(Set.copyOf(refused), Map.copyOf(inGrace),
        Map.copyOf(graceBySuccessor), Map.copyOf(bySuccessor));
    if (!ca.holdsKey()) {
      state = fresh;
      lastRead = read;
      publishSharedCrl();
      return;
    }
    // CRL numbers must grow; milliseconds do, unless the clock steps back.
    BigInteger number = BigInteger.valueOf(nowMs).max(lastNumber.add(BigInteger.ONE));
    X509CRL signed = ca.issueCrl(listed, now, CRL_VALIDITY, number);
    // Enforcement must not wait for the file: update memory first, then write.
    state = fresh;
    String pem = Pem.crl(signed);
    PrivateFiles.writePublic(crlFile, pem);
    lastNumber = number;
    crl = signed;
    lastRead = read;
    if (shared != null) {
      shared.putSharedValue(SHARED_CRL, pem);
    }
  }

  /** Without the CA key: the CRL the CA master signed last, as the shared store holds it. */
  private void publishSharedCrl() throws IOException {
    String pem = shared.sharedValue(SHARED_CRL).orElse("");
    if (pem.isEmpty() || pem.equals(lastSharedCrl)) {
      return;
    }
    X509CRL parsed;
    try (var in = new java.io.ByteArrayInputStream(
        pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      parsed = (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCRL(in);
      parsed.verify(ca.certificate().getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("the CRL in the shared store is not one the CA signed: "
          + e.getMessage(), e);
    }
    PrivateFiles.writePublic(crlFile, pem);
    crl = parsed;
    lastSharedCrl = pem;
  }

  /** {@link #reloadIfChanged}, logging a failure (for a schedule that must go on). */
  public void reloadOrLog() {
    try {
      if (reloadIfChanged()) {
        LOG.info("revocations changed in the shared store; CRL re-signed");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("cannot reload the revocations: " + e.getMessage());
    }
  }

  /** For callers without a checked-exception path (the scheduled refresh). */
  public void refreshOrLog() {
    try {
      refresh();
    } catch (IOException | RuntimeException e) {
      LOG.warning("cannot refresh the CRL " + crlFile + ": " + e.getMessage());
    }
  }
}
