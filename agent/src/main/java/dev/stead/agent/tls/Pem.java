package dev.stead.agent.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM text for keys, certificates and certificate requests. Private keys are written as
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), which gRPC/Netty accept (SEC1 they do not). Stateless.
 */
public final class Pem {
  private Pem() {}

  public static String privateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("cannot encode a " + key.getFormat() + " private key");
    }
    return wrap("PRIVATE KEY", key.getEncoded());
  }

  public static String certificate(X509Certificate certificate) {
    try {
      return wrap("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode the certificate", e);
    }
  }

  public static String csr(PKCS10CertificationRequest csr) {
    try {
      return wrap("CERTIFICATE REQUEST", csr.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the certificate request", e);
    }
  }

  /** RFC 7468 text: base64 in lines of 64 characters between BEGIN and END lines. */
  static String wrap(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Reads a PKCS#8 (or, leniently, SEC1) private key. */
  public static PrivateKey readPrivateKey(String pem) throws IOException {
    return PemReader.privateKey(pem);
  }

  /** A key in whatever PEM form Bouncy Castle reads (SEC1 {@code BEGIN EC PRIVATE KEY}). */
  static PrivateKey readSec1PrivateKey(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new IOException("no private key in PEM text");
    }
  }

  public static PKCS10CertificationRequest readCsr(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
      throw new IOException("no certificate request in PEM text");
    }
  }

  public static X509Certificate readCertificate(String pem) throws IOException {
    return PemReader.certificate(pem);
  }

  public static List<X509Certificate> readCertificates(String pem) throws IOException {
    return PemReader.certificates(pem);
  }
}
