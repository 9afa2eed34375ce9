package dev.stead.agent.tls;

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
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

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
    var q = ECNamedCurveTable.getParameterSpec(CURVE).getG().multiply(ec.getS()).normalize();
    BigInteger x = q.getAffineXCoord().toBigInteger();
    BigInteger y = q.getAffineYCoord().toBigInteger();
    try {
      PublicKey pub = KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), ec.getParams()));
      return new KeyPair(pub, privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 private key", e);
    }
  }

  /** A PKCS#10 request with subject {@code CN=certname}, signed SHA256withECDSA. */
  public static PKCS10CertificationRequest csr(KeyPair keys, String certname) {
    return csr(keys, certname, null);
  }

  /**
   * As {@link #csr(KeyPair, String)}, carrying {@code challenge} (unless null) as the PKCS#9
   * challengePassword attribute, which the master's challenge autosign policy checks.
   */
  public static PKCS10CertificationRequest csr(KeyPair keys, String certname,
      String challenge) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, certname).build();
    try {
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic());
      if (challenge != null) {
        // UTF8String: PrintableString cannot carry every character a shared secret may use.
        builder.addAttribute(
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
            new org.bouncycastle.asn1.DERUTF8String(challenge));
      }
      return builder
          .build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certificate request", e);
    }
  }
}
