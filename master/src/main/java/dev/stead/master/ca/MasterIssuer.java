package dev.stead.master.ca;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * Issues a master's own certificates (its TLS server certificate, its operators' admin
 * certificate): with the CA key when this master holds it ({@link #local}), else through the
 * CA master ({@link SharedAuthority#issuer}).
 */
@FunctionalInterface
public interface MasterIssuer {

  /** What a master's own certificate is for. */
  enum Kind {
    /** serverAuth, valid for the given names; {@link ServerCredentials#VALIDITY}. */
    SERVER,
    /** clientAuth for {@link AdminCredentials#COMMON_NAME}; {@link AdminCredentials#VALIDITY}. */
    ADMIN
  }

  X509Certificate issue(Kind kind, String commonName, PublicKey key, Set<String> dnsNames,
      Set<String> ipAddresses) throws IOException;

  /** Issues with {@code ca}'s key. */
  static MasterIssuer local(CertificateAuthority ca) {
    return (kind, commonName, key, dns, ips) -> switch (kind) {
      case SERVER -> ca.issueServer(commonName, key, dns, ips, ServerCredentials.VALIDITY);
      case ADMIN -> ca.issueClient(AdminCredentials.COMMON_NAME, key, AdminCredentials.VALIDITY);
    };
  }
}
