package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/** The JDK-only codec reads what Stead writes, and what older agents and tools wrote. */
class PemTest {
  @Test
  void readsThePkcs8KeySteadWrites() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = ec.generateKeyPair();
    assertThat(Pem.readPrivateKey(Pem.privateKey(keys.getPrivate())))
        .isEqualTo(keys.getPrivate());
  }

  @Test
  void readsAnRsaPkcs8Key() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair keys = rsa.generateKeyPair();
    assertThat(Pem.readPrivateKey(Pem.privateKey(keys.getPrivate())))
        .isEqualTo(keys.getPrivate());
  }

  /** A throwaway key made with `openssl ecparam -name prime256v1 -genkey -noout`. */
  private static final String SEC1 = "-----BEGIN EC PRIVATE KEY-----" + "\n"
      + "MHcCAQEEIMVk6QvVoNDnmHSyzVcQ/4C7ZhswzJ7/nZ27B36r7kNAoAoGCCqGSM49" + "\n"
      + "AwEHoUQDQgAErMgQHKV3WU0OvC+zTQSCkbkz7HnRfIc5jvTzK6TNZSpvlhHNgUqg" + "\n"
      + "puULF8FC0HNF6A2bt3e13WYONivtqZIDZQ==" + "\n"
      + "-----END EC PRIVATE KEY-----" + "\n";

  @Test
  void stillReadsALegacySec1Key() throws Exception {
    var key = Pem.readPrivateKey(SEC1);
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    // The same key as PKCS#8 goes through the JDK-only path and must come out equal.
    assertThat(Pem.readPrivateKey(Pem.privateKey(key))).isEqualTo(key);
  }

  @Test
  void damagedKeysFailNamingTheProblem() {
    assertThatThrownBy(() -> Pem.readPrivateKey(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IOException.class).hasMessageContaining("not a valid EC or RSA private key");
    assertThatThrownBy(() -> Pem.readPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n"))
        .isInstanceOf(IOException.class).hasMessageContaining("END PRIVATE KEY");
    assertThatThrownBy(() -> Pem.readPrivateKey("hello"))
        .isInstanceOf(IOException.class).hasMessageContaining("no private key");
  }

  @Test
  void textWithoutACertificateFails() {
    assertThatThrownBy(() -> Pem.readCertificate("nothing"))
        .isInstanceOf(IOException.class).hasMessageContaining("certificate");
  }
}
