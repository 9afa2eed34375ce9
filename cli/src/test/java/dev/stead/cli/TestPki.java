package dev.stead.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA the master has never heard of, to prove its certificates are refused. */
final class TestPki {
  private TestPki() {}

  /** A client identity: key and chain. */
  record Identity(PrivateKey key, X509Certificate[] chain) {
    /**
     * A key manager that presents this identity whatever CAs the server asks for. A stock
     * key manager would quietly send no certificate to a server that names another CA, and
     * the test would prove nothing about the handshake.
     */
    X509ExtendedKeyManager insistingKeyManager() {
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

  /** An identity for {@code cn} signed by a fresh foreign CA; also written as PEM to {@code dir}. */
  static Identity foreignClient(Path dir, String cn) throws Exception {
    KeyPair caKeys = ecKeys();
    X500Name caName = new X500Name("CN=Not the Stead CA");
    X509Certificate ca = sign(caName, caName, caKeys.getPublic(), caKeys, true);
    KeyPair leafKeys = ecKeys();
    X509Certificate leaf = sign(new X500Name("CN=" + cn), caName, leafKeys.getPublic(), caKeys, false);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cert.pem"), pem(leaf) + pem(ca));
    StringWriter key = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
      writer.writeObject(new JcaPKCS8Generator(leafKeys.getPrivate(), null));
    }
    Files.writeString(dir.resolve("key.pem"), key.toString());
    return new Identity(leafKeys.getPrivate(), new X509Certificate[] {leaf, ca});
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X500Name subject, X500Name issuer,
      java.security.PublicKey key, KeyPair issuerKeys, boolean ca) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
        Date.from(now.plus(1, ChronoUnit.DAYS)), subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    return new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
