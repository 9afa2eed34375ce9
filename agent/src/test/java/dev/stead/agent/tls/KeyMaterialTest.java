package dev.stead.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.wire.Pem;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {
  @Test
  void csrNamesTheNodeAndIsSignedByTheKey() throws Exception {
    KeyPair keys = KeyMaterial.generate();
    assertThat(((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    String pem = KeyMaterial.csr(keys, "web01.example.com");
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(
        Pem.decode(pem, Pem.CERTIFICATE_REQUEST));
    assertThat(csr.getSubject().toString()).isEqualTo("CN=web01.example.com");
    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new BouncyCastleProvider())
        .build(csr.getSubjectPublicKeyInfo()))).isTrue();
    assertThat(csr.getSubjectPublicKeyInfo().getEncoded())
        .isEqualTo(keys.getPublic().getEncoded());
  }

  @Test
  void aLongNameAndAChallengeKeepTheRequestWellFormedAndSigned() throws Exception {
    KeyPair keys = KeyMaterial.generate();
    String name = "node-" + "x".repeat(200) + ".example.com";  // long-form DER lengths
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(
        Pem.decode(KeyMaterial.csr(keys, name, "s3cret-ü"), Pem.CERTIFICATE_REQUEST));
    assertThat(csr.getSubject().toString()).isEqualTo("CN=" + name);
    assertThat(csr.getAttributes()).hasSize(1);
    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new BouncyCastleProvider())
        .build(csr.getSubjectPublicKeyInfo()))).isTrue();
  }

  @Test
  void privateKeyRoundTripsAsPkcs8AndRecoversItsPublicKey() throws Exception {
    KeyPair keys = KeyMaterial.generate();
    String pem = Pem.privateKey(keys.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    KeyPair back = KeyMaterial.of(Pem.readPrivateKey(pem));
    assertThat(back.getPrivate().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(back.getPublic().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
  }
}
