package dev.stead.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM text (RFC 7468) for certificates, private keys, CRLs and certificate requests, with the
 * JDK alone, for the agent, the master and the CLI. Every agent run reads its key and
 * certificates: through Bouncy Castle that loaded ~250 classes and made the JVM verify the
 * signed Bouncy Castle jars on every start. Private keys are written as unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}), the form gRPC/Netty accept; a legacy SEC1 EC key
 * ({@code BEGIN EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes) is still read.
 *
 * <p>{@code read*} methods throw {@link IOException}: the file system's own (a missing file
 * stays a {@code NoSuchFileException}), or one whose message names the file and the problem;
 * {@code parse*} methods, for text a caller handed in, throw {@link IllegalArgumentException}.
 * Stateless.
 */
public final class Pem {
  public static final String CERTIFICATE = "CERTIFICATE";
  public static final String PRIVATE_KEY = "PRIVATE KEY";
  public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
  public static final String CRL = "X509 CRL";
  private static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
  /** DER of the OID 1.2.840.10045.2.1 (id-ecPublicKey), the algorithm of every EC key. */
  private static final byte[] EC_PUBLIC_KEY_OID =
      {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Pem() {}

  /** {@code der} between BEGIN and END lines, base64 in lines of 64 characters. */
  public static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  public static String certificate(X509Certificate certificate) {
    try {
      return encode(CERTIFICATE, certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode the certificate: " + e.getMessage(), e);
    }
  }

  public static String privateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("cannot encode a " + key.getFormat() + " private key");
    }
    return encode(PRIVATE_KEY, key.getEncoded());
  }

  public static String crl(X509CRL crl) {
    try {
      return encode(CRL, crl.getEncoded());
    } catch (CRLException e) {
      throw new IllegalArgumentException("cannot encode the CRL: " + e.getMessage(), e);
    }
  }

  /**
   * The DER of the first {@code label} block in {@code pem}.
   *
   * @throws IOException when there is none, it has no END line, or its base64 is damaged
   */
  public static byte[] decode(String pem, String label) throws IOException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    if (from < 0) {
      throw new IOException("no " + label.toLowerCase() + " in PEM text");
    }
    int to = pem.indexOf(end, from);
    if (to < 0) {
      throw new IOException("no " + label.toLowerCase() + " in PEM text: '" + end
          + "' is missing");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IOException("no " + label.toLowerCase() + " in PEM text: " + e.getMessage(), e);
    }
  }

  /** The first certificate in {@code pem}. */
  public static X509Certificate readCertificate(String pem) throws IOException {
    List<X509Certificate> all = readCertificates(pem);
    if (all.isEmpty()) {
      throw new IOException("no certificate in PEM text");
    }
    return all.get(0);
  }

  /** Every certificate in {@code pem}, in order (a chain, a bundle). */
  public static List<X509Certificate> readCertificates(String pem) throws IOException {
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

  /** The private key of a PKCS#8 block (EC or RSA), or of a legacy SEC1 EC block. */
  public static PrivateKey readPrivateKey(String pem) throws IOException {
    byte[] pkcs8 = pem.contains("-----BEGIN " + PRIVATE_KEY + "-----")
        || !pem.contains("-----BEGIN " + EC_PRIVATE_KEY + "-----")
        ? decode(pem, PRIVATE_KEY) : sec1ToPkcs8(decode(pem, EC_PRIVATE_KEY));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
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

  public static X509Certificate readCertificate(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      return readCertificate(pem);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      return readPrivateKey(pem);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #readCertificate(String)}, for text a caller handed in. */
  public static X509Certificate parseCertificate(String pem) {
    try {
      return readCertificate(pem);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** As {@link #readPrivateKey(String)}, for text a caller handed in. */
  public static PrivateKey parsePrivateKey(String pem) {
    try {
      return readPrivateKey(pem);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Wraps a SEC1 {@code ECPrivateKey} in the PKCS#8 structure the JDK reads: the curve, which
   * SEC1 keeps in its {@code [0]} parameters, moves into the algorithm identifier.
   */
  private static byte[] sec1ToPkcs8(byte[] sec1) throws IOException {
    Der key = Der.at(sec1, 0, 0x30, "SEC1 key");
    for (int at = key.contentStart(); at < key.end(); ) {
      Der field = Der.at(sec1, at, -1, "SEC1 key");
      if (field.tag() == 0xa0) {
        Der curve = Der.at(sec1, field.contentStart(), 0x06, "SEC1 key's curve");
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY_OID);
        algorithm.write(sec1, curve.start(), curve.end() - curve.start());
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(Der.tlv(0x30, algorithm.toByteArray()));
        info.writeBytes(Der.tlv(0x04, sec1));
        return Der.tlv(0x30, info.toByteArray());
      }
      at = field.end();
    }
    throw new IOException("SEC1 key without its curve: write it as PKCS#8 "
        + "(openssl pkcs8 -topk8 -nocrypt)");
  }

  /** One DER element of {@code bytes}: tag, where its content starts, where it ends. */
  private record Der(int tag, int start, int contentStart, int end) {
    static Der at(byte[] bytes, int start, int expectedTag, String what) throws IOException {
      if (start + 2 > bytes.length) {
        throw new IOException(what + " is truncated");
      }
      int tag = bytes[start] & 0xff;
      if (expectedTag >= 0 && tag != expectedTag) {
        throw new IOException(what + " is not valid DER");
      }
      int first = bytes[start + 1] & 0xff;
      int at = start + 2;
      long length = first;
      if (first > 0x80 && first <= 0x84) {
        length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
          if (at >= bytes.length) {
            throw new IOException(what + " is truncated");
          }
          length = (length << 8) | (bytes[at++] & 0xff);
        }
      } else if (first >= 0x80) {
        throw new IOException(what + " is not valid DER");
      }
      if (at + length > bytes.length) {
        throw new IOException(what + " is truncated");
      }
      return new Der(tag, start, at, (int) (at + length));
    }

    static byte[] tlv(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int length = content.length;
      if (length < 0x80) {
        out.write(length);
      } else {
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
          out.write(length >>> (8 * i));
        }
      }
      out.writeBytes(content);
      return out.toByteArray();
    }
  }
}
