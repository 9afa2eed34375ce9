package dev.stead.master;

import dev.stead.master.ca.Csrs;
import dev.stead.master.ca.Keys;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, CSRs and TLS channels made the way an agent would make them. */
public final class TestPki {
  private TestPki() {}

  public static KeyPair ecKey() {
    return Keys.newEcKeyPair(new SecureRandom());
  }

  public static KeyPair rsaKey(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** A PKCS#10 PEM for subject {@code CN=<cn>} signed by {@code key}. */
  public static String csr(String cn, KeyPair key) throws Exception {
    String algorithm = key.getPrivate().getAlgorithm().equals("RSA")
        ? "SHA256withRSA" : "SHA256withECDSA";
    PKCS10CertificationRequest request =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic())
            .build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate()));
    return Csrs.pem(request);
  }

  /**
   * A PKCS#10 PEM for {@code CN=<cn>} that also carries a PKCS#9 challengePassword (unless
   * null) and a subjectAltName extension request with {@code sans} (unless empty).
   */
  public static String csr(String cn, KeyPair key, String challenge, GeneralName... sans)
      throws Exception {
    JcaPKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic());
    if (challenge != null) {
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
          new DERPrintableString(challenge));
    }
    if (sans.length > 0) {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
          extensions.generate());
    }
    return Csrs.pem(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(key.getPrivate())));
  }

  /** A TLS 1.3 channel trusting {@code ca}, presenting {@code key}/{@code cert} unless null. */
  public static ManagedChannel channel(int port, X509Certificate ca, PrivateKey key,
      X509Certificate cert) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(),
        SslProvider.JDK).trustManager(ca).protocols("TLSv1.3");
    if (key != null) {
      ssl.keyManager(key, cert);
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
  }
}
