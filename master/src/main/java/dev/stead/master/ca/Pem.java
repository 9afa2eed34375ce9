package dev.stead.master.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM in and out. Private keys are always written as unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}): gRPC/Netty refuses SEC1 EC keys.
 */
public final class Pem {
  private Pem() {}

  public static String certificate(X509Certificate certificate) {
    return write(certificate);
  }

  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String crl(java.security.cert.X509CRL crl) {
    return write(crl);
  }

  public static String csr(PKCS10CertificationRequest request) {
    return write(request);
  }

  /** Parses one certificate; IllegalArgumentException when {@code pem} holds none. */
  public static X509Certificate parseCertificate(String pem) {
    Object object = read(pem);
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new IllegalArgumentException("not a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  /** Parses a PKCS#8 private key; IllegalArgumentException when {@code pem} holds none. */
  public static PrivateKey parsePrivateKey(String pem) {
    Object object = read(pem);
    if (!(object instanceof PrivateKeyInfo info)) {
      throw new IllegalArgumentException("not a PKCS#8 PEM private key");
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
    }
  }

  /** Parses a PKCS#10 request; IllegalArgumentException when {@code pem} holds none. */
  public static PKCS10CertificationRequest parseCsr(String pem) {
    Object object = read(pem);
    if (!(object instanceof PKCS10CertificationRequest request)) {
      throw new IllegalArgumentException("not a PEM certificate signing request (PKCS#10)");
    }
    return request;
  }

  public static X509Certificate readCertificate(Path file) throws IOException {
    try {
      return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static Object read(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      // PEMParser throws a variety of runtime exceptions on garbage; all mean "not PEM".
      throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
    }
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
