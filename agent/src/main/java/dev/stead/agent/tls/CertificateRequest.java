package dev.stead.agent.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;

/**
 * A PKCS#10 certificate request (RFC 2986) for an EC P-256 key, encoded with the JDK alone:
 * an agent asks for its certificate once, and loading Bouncy Castle for that (~250 classes
 * and a check of its signed jars) stayed resident in the daemon for good. The master still
 * parses and checks requests with Bouncy Castle. Stateless.
 */
final class CertificateRequest {
  private static final byte[] OID_COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
  private static final byte[] OID_CHALLENGE_PASSWORD =
      {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x09, 0x07};
  private static final byte[] OID_ECDSA_WITH_SHA256 =
      {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int UTF8_STRING = 0x0C;
  private static final int BIT_STRING = 0x03;
  private static final int CONTEXT_0_CONSTRUCTED = 0xA0;

  private CertificateRequest() {}

  /**
   * The DER request with subject {@code CN=certname} (UTF8String), the key's public half,
   * {@code challenge} (unless null) as the PKCS#9 challengePassword attribute, signed
   * SHA256withECDSA by the key's private half.
   */
  static byte[] der(KeyPair keys, String certname, String challenge) {
    byte[] subject = tlv(SEQUENCE, tlv(SET, tlv(SEQUENCE,
        OID_COMMON_NAME, utf8(certname))));
    byte[] attributes = challenge == null
        ? tlv(CONTEXT_0_CONSTRUCTED)
        : tlv(CONTEXT_0_CONSTRUCTED, tlv(SEQUENCE, OID_CHALLENGE_PASSWORD,
            tlv(SET, utf8(challenge))));
    byte[] version = {0x02, 0x01, 0x00};
    byte[] info = tlv(SEQUENCE, version, subject, keys.getPublic().getEncoded(), attributes);
    byte[] signature;
    try {
      Signature signer = Signature.getInstance(KeyMaterial.SIGNATURE);
      signer.initSign(keys.getPrivate());
      signer.update(info);
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate request", e);
    }
    byte[] bits = new byte[signature.length + 1];  // leading 0: no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    return tlv(SEQUENCE, info, tlv(SEQUENCE, OID_ECDSA_WITH_SHA256), tlv(BIT_STRING, bits));
  }

  private static byte[] utf8(String text) {
    return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
  }

  /** One DER element: tag, definite length, then the parts' bytes in order. */
  private static byte[] tlv(int tag, byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write(length >>> shift);
      }
    }
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
