package dev.stead.agent.tls;

import dev.stead.wire.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;

/** The agent's key pair (EC P-256) and its certificate request. Stateless. */
public final class KeyMaterial {
  static final String CURVE = "secp256r1";
  static final String SIGNATURE = "SHA256withECDSA";

  private KeyMaterial() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
    }
  }

  /**
   * The key pair of a stored P-256 private key: the public point is recomputed (d·G), so only
   * the private key needs to be kept on disk.
   */
  public static KeyPair of(PrivateKey privateKey) {
    if (!(privateKey instanceof ECPrivateKey ec)) {
      throw new IllegalArgumentException("not an EC private key: " + privateKey.getAlgorithm());
    }
    try {
      PublicKey pub = KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(Curve.publicPoint(ec.getS()), ec.getParams()));
      return new KeyPair(pub, privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }

  /** Bouncy Castle's curve arithmetic, loaded only when this class is first used. */
  private static final class Curve {
    static ECPoint publicPoint(BigInteger secret) {
      var q = ECNamedCurveTable.getParameterSpec(CURVE).getG().multiply(secret).normalize();
      return new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    }
  }

  /** A PKCS#10 request (PEM) with subject {@code CN=certname}, signed SHA256withECDSA. */
  public static String csr(KeyPair keys, String certname) {
    return csr(keys, certname, null);
  }

  /**
   * As {@link #csr(KeyPair, String)}, carrying {@code challenge} (unless null) as the PKCS#9
   * challengePassword attribute (a UTF8String: PrintableString cannot carry every character a
   * shared secret may use), which the master's challenge autosign policy checks.
   */
  public static String csr(KeyPair keys, String certname, String challenge) {
    return Pem.encode(Pem.CERTIFICATE_REQUEST, CertificateRequest.der(keys, certname, challenge));
  }
}
