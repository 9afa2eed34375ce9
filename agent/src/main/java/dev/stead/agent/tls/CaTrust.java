package dev.stead.agent.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks that certificates were issued by the master's CA. Stateless. */
public final class CaTrust {
  private CaTrust() {}

  /**
   * True when {@code chain} (leaf first, as a TLS server presents it) validates up to
   * {@code ca}. Revocation is not checked: the agent has no CRL yet.
   */
  public static boolean issuedBy(List<X509Certificate> chain, X509Certificate ca) {
    if (chain.isEmpty()) {
      return false;
    }
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (!c.equals(ca)) {
        path.add(c);
      }
    }
    if (path.isEmpty()) {
      return false;
    }
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
