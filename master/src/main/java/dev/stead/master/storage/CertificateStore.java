package dev.stead.master.storage;

import dev.stead.proto.v1.RevokedCertificate;
import java.util.List;
import java.util.Optional;

/**
 * Certificate requests, issued certificates and revocations. Thread-safe. Every write is
 * durable (survives an OS crash) before the method returns.
 */
public interface CertificateStore {

  /** Inserts or replaces the record for {@code record.certname()}. */
  void putCertificate(CertificateRecord record);

  Optional<CertificateRecord> certificate(String certname);

  /** Every certificate and pending request, sorted by certname. */
  List<CertificateRecord> certificates();

  /**
   * The pending requests only, sorted by certname (what the CA master of a shared store looks
   * at every second; a backend may answer it without reading the certificates).
   */
  default List<CertificateRecord> pendingCertificates() {
    return certificates().stream()
        .filter(r -> r.state() == dev.stead.proto.v1.CertificateState.PENDING).toList();
  }

  /**
   * Forgets the pending request or certificate of {@code certname} (nothing when there is
   * none). Revocations recorded with {@link #putRevocation} are kept.
   */
  void deleteCertificate(String certname);

  /** Records that a certificate serial is revoked, replacing a record of the same serial. */
  void putRevocation(RevokedCertificate revocation);

  /** Every revocation ever recorded, sorted by serial. */
  List<RevokedCertificate> revocations();
}
