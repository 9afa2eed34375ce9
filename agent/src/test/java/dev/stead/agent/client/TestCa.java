package dev.stead.agent.client;

import dev.stead.agent.tls.KeyMaterial;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A tiny CA for tests: a self-signed root and leaf certificates it signs. Public for the
 * tests of other packages that need a TLS server of their own (https sources).
 */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(1);
  public final KeyPair keys = KeyMaterial.generate();
  public final X509Certificate certificate;

  public TestCa(String name) throws Exception {
    X500Name subject = new X500Name("CN=" + name);
    certificate = sign(subject, SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()),
        true, null);
  }

  public X509Certificate sign(X500Name subject, SubjectPublicKeyInfo key, boolean ca,
      GeneralNames altNames) throws Exception {
    X500Name issuer = certificate == null ? subject
        : new X500Name(certificate.getSubjectX500Principal().getName());
    long now = System.currentTimeMillis();
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 60_000),
        new Date(now + 86_400_000L), subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
        ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  public X509Certificate server(KeyPair serverKeys) throws Exception {
    return sign(new X500Name("CN=localhost"),
        SubjectPublicKeyInfo.getInstance(serverKeys.getPublic().getEncoded()), false,
        new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
  }
}
