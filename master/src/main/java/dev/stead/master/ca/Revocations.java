package dev.stead.master.ca;

import dev.stead.master.storage.Store;
import dev.stead.proto.v1.RevokedCertificate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The revoked serials and the CRL that publishes them ({@code caDir/}{@value #CRL_FILE},
 * signed by the CA). The set lives in the {@link Store}, so it survives restarts and outlives
 * {@code stead ca clean}; a copy in memory answers {@link #isRevoked} on every call without
 * touching the disk.
 *
 * <p>The CRL is re-signed on every revocation and by {@link #refresh} (the master calls it
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
  private static final Logger LOG = Logger.getLogger(Revocations.class.getName());

  private final CertificateAuthority ca;
  private final Store store;
  private final Path crlFile;
  private volatile Set<BigInteger> revoked;
  private volatile X509CRL crl;
  private BigInteger lastNumber = BigInteger.ZERO;

  private Revocations(CertificateAuthority ca, Store store, Path crlFile) {
    this.ca = ca;
    this.store = store;
    this.crlFile = crlFile;
  }

  /** Loads the revoked serials from {@code store} and publishes a fresh CRL in {@code caDir}. */
  public static Revocations load(CertificateAuthority ca, Store store, Path caDir)
      throws IOException {
    Revocations revocations = new Revocations(ca, store, caDir.resolve(CRL_FILE));
    revocations.publish();
    return revocations;
  }

  /** Upper-case hex, the form serials are stored and shown in. */
  public static String hex(BigInteger serial) {
    return serial.toString(16).toUpperCase(Locale.ROOT);
  }

  /** True when {@code serial} was revoked. */
  public boolean isRevoked(BigInteger serial) {
    return revoked.contains(serial);
  }

  /** The revocation of {@code serial}, if any (a store read: for listings, not per call). */
  public java.util.Optional<RevokedCertificate> find(BigInteger serial) {
    String key = hex(serial);
    return store.revocations().stream().filter(r -> r.getSerial().equals(key)).findFirst();
  }

  /**
   * Records the revocation durably, refuses the serial from now on, and re-signs the CRL.
   * Idempotent for a serial already revoked.
   */
  public synchronized void revoke(RevokedCertificate entry) throws IOException {
    store.putRevocation(entry);
    publish();
    LOG.info(() -> "revoked serial " + entry.getSerial() + " of " + entry.getCertname()
        + " (" + entry.getReason() + ")");
  }

  /** Re-signs the CRL with the current set (the daily refresh). */
  public synchronized void refresh() throws IOException {
    publish();
  }

  /** The CRL last published. */
  public X509CRL crl() {
    return crl;
  }

  /** Seconds since the published CRL was signed: a metric to alert on (over a day = stale). */
  public long crlAgeSeconds() {
    return Duration.between(crl.getThisUpdate().toInstant(), ca.clock().instant()).toSeconds();
  }

  /** Seconds until the published CRL's nextUpdate. */
  public long crlSecondsUntilNextUpdate() {
    return Duration.between(ca.clock().instant(), crl.getNextUpdate().toInstant()).toSeconds();
  }

  private void publish() throws IOException {
    List<RevokedCertificate> entries = store.revocations();
    Set<BigInteger> serials = new HashSet<>();
    for (RevokedCertificate entry : entries) {
      serials.add(new BigInteger(entry.getSerial(), 16));
    }
    Instant now = ca.clock().instant();
    // CRL numbers must grow; milliseconds do, unless the clock steps back.
    BigInteger number = BigInteger.valueOf(now.toEpochMilli()).max(lastNumber.add(BigInteger.ONE));
    X509CRL fresh = ca.issueCrl(entries, now, CRL_VALIDITY, number);
    try {
      PrivateFiles.writePublic(crlFile, Pem.crl(fresh));
    } catch (IOException e) {
      // Enforcement must not wait for the file: update memory, then report the failure.
      revoked = Set.copyOf(serials);
      throw e;
    }
    lastNumber = number;
    revoked = Set.copyOf(serials);
    crl = fresh;
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
