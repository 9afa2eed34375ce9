package dev.stead.master.secrets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Names the public key that secret envelopes are sealed to, so that an agent can say which key
 * the envelopes it keeps belong to: lower-case hex SHA-256 of the key's DER encoding. A key,
 * not a certificate: a renewed certificate keeps its key, and its envelopes still open.
 */
public final class RecipientKey {
  private RecipientKey() {}

  public static String of(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(certificate.getPublicKey().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
