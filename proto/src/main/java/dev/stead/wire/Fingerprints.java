package dev.stead.wire;

import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Certificate and key fingerprints in the one format Stead prints and accepts:
 * {@code SHA256:AB:CD:...}, the SHA-256 of the DER encoding in colon-separated upper-case hex.
 * A key's fingerprint is that of its SubjectPublicKeyInfo, so the agent (from its key) and the
 * master (from the certificate request) compute the same one.
 */
public final class Fingerprints {
  private Fingerprints() {}

  public static String of(X509Certificate certificate) {
    try {
      return ofDer(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** The fingerprint of a public key: of its SubjectPublicKeyInfo DER (X.509 encoding). */
  public static String ofKey(PublicKey key) {
    if (!"X.509".equals(key.getFormat())) {
      throw new IllegalArgumentException("key is not X.509-encoded: " + key.getFormat());
    }
    return ofDer(key.getEncoded());
  }

  public static String ofDer(byte[] der) {
    String hex = Catalogs.sha256Hex(der).toUpperCase(Locale.ROOT);
    StringBuilder out = new StringBuilder("SHA256:");
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 2);
    }
    return out.toString();
  }

  /**
   * True when {@code given} names the same fingerprint as {@code expected}, ignoring case,
   * colons, whitespace and an optional {@code SHA256:} prefix, so a user can paste either form.
   */
  public static boolean matches(String expected, String given) {
    return normalize(expected).equals(normalize(given)) && !normalize(given).isEmpty();
  }

  private static String normalize(String fingerprint) {
    String s = fingerprint.trim().toUpperCase(Locale.ROOT);
    if (s.startsWith("SHA256:")) {
      s = s.substring("SHA256:".length());
    }
    return s.replace(":", "").replaceAll("\\s", "");
  }
}
