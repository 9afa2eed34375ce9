package dev.stead.testing;

import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The PKI of every module's tests (a test-jar of proto): keys, certificate requests, small
 * certificate authorities and TLS channels, made the way Stead's agent and master make them
 * (EC P-256, SHA256withECDSA, PEM through {@link Pem}). Stateless apart from serial numbers.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1);

  private TestPki() {}

  /** An EC P-256 key pair, as agents and the master make them. */
  public static KeyPair ecKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
    }
  }

  public static KeyPair rsaKey(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** A PKCS#10 PEM for subject {@code CN=<cn>} signed by {@code key} (EC or RSA). */
  public static String csr(String cn, KeyPair key) throws Exception {
    String algorithm = key.getPrivate().getAlgorithm().equals("RSA")
        ? "SHA256withRSA" : "SHA256withECDSA";
    return Pem.encode(Pem.CERTIFICATE_REQUEST,
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic())
            .build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate()))
            .getEncoded());
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
    return Pem.encode(Pem.CERTIFICATE_REQUEST, builder.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded());
  }

  /**
   * A self-signed certificate for {@code CN=<cn>}, valid from {@code notBefore} for
   * {@code lifetime}, signed with {@code algorithm} (e.g. SHA256withECDSA, SHA256withRSA).
   */
  public static X509Certificate selfSigned(String cn, KeyPair key, Instant notBefore,
      Duration lifetime, String algorithm) throws Exception {
    X500Name name = new X500Name("CN=" + cn);
    return new JcaX509CertificateConverter().getCertificate(new X509v3CertificateBuilder(name,
        BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(notBefore),
        Date.from(notBefore.plus(lifetime)), name,
        SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()))
        .build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate())));
  }

  /**
   * A JDK TLS context (for plain sockets) trusting {@code trusted} alone, presenting
   * {@code keys} unless null.
   */
  public static javax.net.ssl.SSLContext jdkTls(javax.net.ssl.KeyManager keys,
      X509Certificate trusted) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("trusted", trusted);
    javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory
        .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(keys == null ? null : new javax.net.ssl.KeyManager[] {keys},
        trustManagers.getTrustManagers(), null);
    return context;
  }

  /** A TLS 1.3 channel trusting {@code ca}, presenting {@code key}/{@code cert} unless null. */
  public static ManagedChannel channel(int port, X509Certificate ca, PrivateKey key,
      X509Certificate cert) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(),
        SslProvider.JDK).trustManager(ca).protocols("TLSv1.3");
    if (key != null) {
      ssl.keyManager(new dev.stead.wire.SingleKeyManager(key, cert));
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
  }

  /**
   * Enrols {@code node} with {@code key} at a master that autosigns it (a CSR over an
   * anonymous channel) and returns a mutual-TLS channel presenting the signed certificate.
   */
  public static ManagedChannel enrolled(int port, X509Certificate ca, String node, KeyPair key)
      throws Exception {
    ManagedChannel anonymous = channel(port, ca, null, null);
    CertificateStatus status;
    try {
      status = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(SubmitCsrRequest.newBuilder()
          .setCertname(node).setCsrPem(csr(node, key)).build());
    } finally {
      anonymous.shutdownNow();
    }
    if (status.getState() != CertificateState.SIGNED) {
      throw new IllegalStateException("the master did not autosign " + node + ": "
          + status.getState());
    }
    return channel(port, ca, key.getPrivate(), Pem.parseCertificate(status.getCertificatePem()));
  }

  /**
   * An identity for {@code cn} signed by a fresh CA the master has never heard of, to prove
   * its certificates are refused; also written to {@code dir} as {@code cert.pem} (leaf, then
   * CA) and {@code key.pem}.
   */
  public static Identity foreignClient(Path dir, String cn) throws Exception {
    Ca foreign = new Ca("Not the Stead CA");
    KeyPair leafKeys = ecKey();
    X509Certificate leaf = foreign.sign(new X500Name("CN=" + cn),
        SubjectPublicKeyInfo.getInstance(leafKeys.getPublic().getEncoded()), false, null);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cert.pem"),
        Pem.certificate(leaf) + Pem.certificate(foreign.certificate()));
    Files.writeString(dir.resolve("key.pem"), Pem.privateKey(leafKeys.getPrivate()));
    return new Identity(leafKeys.getPrivate(), new X509Certificate[] {leaf,
        foreign.certificate()});
  }

  /** A certificate authority: a self-signed root and the certificates it signs. */
  public static final class Ca {
    private final KeyPair keys = ecKey();
    private final X500Name name;
    private final X509Certificate certificate;

    public Ca(String name) throws Exception {
      this.name = new X500Name("CN=" + name);
      this.certificate = sign(this.name,
          SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), true, null);
    }

    public KeyPair keys() {
      return keys;
    }

    public X509Certificate certificate() {
      return certificate;
    }

    /**
     * A certificate for {@code subject}'s {@code key}, valid from a minute ago for a day: a
     * CA certificate when {@code ca}, else a leaf for signatures; with {@code altNames}
     * unless null.
     */
    public X509Certificate sign(X500Name subject, SubjectPublicKeyInfo key, boolean ca,
        GeneralNames altNames) throws Exception {
      long now = System.currentTimeMillis();
      X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
          BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 60_000),
          new Date(now + 86_400_000L), subject, key);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    /** A server certificate for localhost and 127.0.0.1. */
    public X509Certificate server(PublicKey key) throws Exception {
      return sign(new X500Name("CN=localhost"), SubjectPublicKeyInfo.getInstance(
          key.getEncoded()), false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }
  }

  /** A client identity: key and chain. */
  public record Identity(PrivateKey key, X509Certificate[] chain) {
    /**
     * A key manager that presents this identity whatever CAs the server asks for. A stock
     * key manager would quietly send no certificate to a server that names another CA, and
     * the test would prove nothing about the handshake.
     */
    public X509ExtendedKeyManager insistingKeyManager() {
      return new X509ExtendedKeyManager() {
        @Override
        public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine e) {
          return "me";
        }

        @Override
        public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
          return "me";
        }

        @Override
        public String[] getClientAliases(String type, Principal[] issuers) {
          return new String[] {"me"};
        }

        @Override
        public String[] getServerAliases(String type, Principal[] issuers) {
          return null;
        }

        @Override
        public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
          return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
          return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
          return key;
        }
      };
    }
  }
}
