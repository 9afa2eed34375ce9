package dev.stead.agent.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM the agent keeps ({@code ssl/}) with the JDK alone. Every run reads its key
 * and certificates; doing it through Bouncy Castle loaded ~250 classes and made the JVM
 * verify the signatures of the signed Bouncy Castle jars on every start. Only a legacy SEC1
 * key ({@code BEGIN EC PRIVATE KEY}) still goes through {@link Pem}. Stateless.
 */
public final class PemReader {
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";

  private PemReader() {}

  /** The private key of a PKCS#8 PEM block (EC or RSA); SEC1 through Bouncy Castle. */
  public static PrivateKey privateKey(String pem) throws IOException {
    int begin = pem.indexOf(PKCS8_BEGIN);
    if (begin < 0) {
      return Pem.readSec1PrivateKey(pem);
    }
    int end = pem.indexOf(PKCS8_END, begin);
    if (end < 0) {
      throw new IOException("no private key in PEM text: '" + PKCS8_END + "' is missing");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IOException("no private key in PEM text: " + e.getMessage(), e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IOException("not a valid EC or RSA private key: " + last.getMessage(), last);
  }

  public static X509Certificate certificate(String pem) throws IOException {
    List<X509Certificate> all = certificates(pem);
    if (all.isEmpty()) {
      throw new IOException("no certificate in PEM text");
    }
    return all.get(0);
  }

  public static List<X509Certificate> certificates(String pem) throws IOException {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : factory.generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException e) {
      throw new IOException("not a valid certificate: " + e.getMessage(), e);
    }
  }
}
