package dev.stead.master.storage;

import dev.stead.proto.v1.CertificateState;
import java.util.List;
import java.util.Objects;

/**
 * What the master knows about one certname: the pending requests (CSR PEMs, one per
 * different key that asked for the name, in the order first seen) or an issued certificate
 * (PEM). Immutable.
 *
 * @param certname the node's name
 * @param state PENDING, SIGNED or REVOKED
 * @param csrPems the PKCS#10 requests while PENDING (at least one), else empty
 * @param certificatePem the certificate when SIGNED or REVOKED, else empty
 */
public record CertificateRecord(
    String certname, CertificateState state, List<String> csrPems, String certificatePem) {

  public CertificateRecord {
    Objects.requireNonNull(certname, "certname");
    Objects.requireNonNull(state, "state");
    csrPems = List.copyOf(Objects.requireNonNullElse(csrPems, List.of()));
    certificatePem = Objects.requireNonNullElse(certificatePem, "");
    switch (state) {
      case PENDING -> {
        if (csrPems.isEmpty()) {
          throw new IllegalArgumentException("a pending record needs its csrPems");
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

  public static CertificateRecord pending(String certname, List<String> csrPems) {
    return new CertificateRecord(certname, CertificateState.PENDING, csrPems, "");
  }

  public static CertificateRecord pending(String certname, String csrPem) {
    return pending(certname, List.of(csrPem));
  }

  public static CertificateRecord signed(String certname, String certificatePem) {
    return new CertificateRecord(certname, CertificateState.SIGNED, List.of(), certificatePem);
  }
}
