package dev.stead.master.storage;

import dev.stead.proto.v1.CertificateState;
import java.util.Objects;

/**
 * What the master knows about one certname: a pending request (CSR PEM) or an issued
 * certificate (PEM). Immutable.
 *
 * @param certname the node's name
 * @param state PENDING, SIGNED or REVOKED
 * @param csrPem the PKCS#10 request while PENDING, else empty
 * @param certificatePem the certificate when SIGNED or REVOKED, else empty
 */
public record CertificateRecord(
    String certname, CertificateState state, String csrPem, String certificatePem) {

  public CertificateRecord {
    Objects.requireNonNull(certname, "certname");
    Objects.requireNonNull(state, "state");
    csrPem = Objects.requireNonNullElse(csrPem, "");
    certificatePem = Objects.requireNonNullElse(certificatePem, "");
    switch (state) {
      case PENDING -> {
        if (csrPem.isEmpty()) {
          throw new IllegalArgumentException("a pending record needs its csrPem");
        }
      }
      case SIGNED, REVOKED -> {
        if (certificatePem.isEmpty()) {
          throw new IllegalArgumentException("a " + state + " record needs its certificatePem");
        }
      }
      default -> throw new IllegalArgumentException("state cannot be stored: " + state);
    }
  }

  public static CertificateRecord pending(String certname, String csrPem) {
    return new CertificateRecord(certname, CertificateState.PENDING, csrPem, "");
  }

  public static CertificateRecord signed(String certname, String certificatePem) {
    return new CertificateRecord(certname, CertificateState.SIGNED, "", certificatePem);
  }
}
