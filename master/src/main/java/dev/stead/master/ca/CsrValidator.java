package dev.stead.master.ca;

import dev.stead.master.ca.CaException.Reason;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Decides whether a certificate signing request may be signed for a certname. Only the
 * subject key and the certname are ever taken from a CSR: requested extensions (SANs,
 * usages) are ignored, so a node cannot claim more than its name.
 */
public final class CsrValidator {
  static final int MAX_PEM_LENGTH = 16 * 1024;
  private static final int MIN_EC_BITS = 256;
  private static final int MIN_RSA_BITS = 2048;

  private CsrValidator() {}

  public static ValidatedCsr validate(String certname, String csrPem) throws CaException {
    String nameProblem = Certnames.problem(certname);
    if (nameProblem != null) {
      throw new CaException(Reason.INVALID, nameProblem);
    }
    if (csrPem == null || csrPem.isBlank()) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is empty");
    }
    if (csrPem.length() > MAX_PEM_LENGTH) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is larger than " + MAX_PEM_LENGTH + " bytes");
    }
    PKCS10CertificationRequest request;
    try {
      request = Pem.parseCsr(csrPem);
    } catch (IllegalArgumentException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is not a PEM PKCS#10 request");
    }
    PublicKey key;
    try {
      key = new JcaPKCS10CertificationRequest(request).getPublicKey();
    } catch (InvalidKeyException | NoSuchAlgorithmException | RuntimeException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' has an unreadable or unsupported public key");
    }
    try {
      boolean valid = request.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(key));
      if (!valid) {
        throw new CaException(Reason.INVALID, "the certificate request for '" + certname
            + "' has a bad signature");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' has a signature that cannot be verified");
    }
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' must have exactly one CN in its subject");
    }
    String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
    if (!cn.equals(certname)) {
      throw new CaException(Reason.INVALID, "the certificate request's CN '"
          + Certnames.printable(cn) + "' does not match the certname '" + certname + "'");
    }
    checkKey(certname, key);
    return new ValidatedCsr(certname, request, key, Pem.csr(request));
  }

  private static void checkKey(String certname, PublicKey key) throws CaException {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits < MIN_EC_BITS) {
        throw new CaException(Reason.INVALID, "the key of '" + certname + "' is EC " + bits
            + " bits; at least " + MIN_EC_BITS + " are required");
      }
    } else if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new CaException(Reason.INVALID, "the key of '" + certname + "' is RSA " + bits
            + " bits; at least " + MIN_RSA_BITS + " are required");
      }
    } else {
      throw new CaException(Reason.INVALID, "the key of '" + certname + "' is "
          + key.getAlgorithm() + "; only EC (P-256 or larger) and RSA (2048 bits or more)"
          + " are accepted");
    }
  }
}
