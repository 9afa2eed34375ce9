package dev.stead.master.ca;

import java.security.PublicKey;
import java.util.Arrays;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A CSR that passed {@link CsrValidator}: parsed, self-signature verified, CN equal to a
 * valid certname, and an acceptable key.
 *
 * @param certname the subject CN
 * @param request the parsed request
 * @param publicKey the key to certify
 * @param pem the request as PEM, normalised
 */
public record ValidatedCsr(String certname, PKCS10CertificationRequest request,
    PublicKey publicKey, String pem) {

  /** True when {@code other} requests a certificate for the same key. */
  public boolean sameKey(PublicKey other) {
    return Arrays.equals(publicKey.getEncoded(), other.getEncoded());
  }
}
