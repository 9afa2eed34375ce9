package dev.stead.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stead.testing.TestPki;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleKeyManagerTest {
  private final ExecutorService server = Executors.newSingleThreadExecutor();
  private final KeyPair serverKey = TestPki.ecKey();
  private final KeyPair clientKey = TestPki.ecKey();
  private final X509Certificate serverCert = selfSigned("server", serverKey);
  private final X509Certificate clientCert = selfSigned("agent-1", clientKey);

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void bothSidesOfAMutualTls13HandshakePresentTheirKeyAndSeeTheOther() throws Exception {
    SSLContext serverTls =
        TestPki.jdkTls(new SingleKeyManager(serverKey.getPrivate(), serverCert), clientCert);
    SSLContext clientTls =
        TestPki.jdkTls(new SingleKeyManager(clientKey.getPrivate(), clientCert), serverCert);
    try (SSLServerSocket listening = (SSLServerSocket) serverTls.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening.setNeedClientAuth(true);
      listening.setEnabledProtocols(new String[] {"TLSv1.3"});
      Future<String> clientSeen = server.submit(() -> {
        try (SSLSocket s = (SSLSocket) listening.accept()) {
          s.getInputStream().read();
          s.getOutputStream().write(1);
          return ((X509Certificate) s.getSession().getPeerCertificates()[0])
              .getSubjectX500Principal().getName();
        }
      });
      try (SSLSocket s = (SSLSocket) clientTls.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(1);
        assertEquals(1, in.read());
        assertEquals("CN=server", ((X509Certificate) s.getSession().getPeerCertificates()[0])
            .getSubjectX500Principal().getName());
      }
      assertEquals("CN=agent-1", clientSeen.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void offersItsKeyOnlyForTheKeyTypesItCanServe() throws Exception {
    SingleKeyManager ec = new SingleKeyManager(clientKey.getPrivate(), clientCert);
    assertNull(ec.chooseClientAlias(new String[] {"RSA", "RSASSA-PSS"}, null, null));
    assertNull(ec.chooseEngineServerAlias("RSA", null, null));
    assertNull(ec.getServerAliases("DH_RSA", null));
    String alias = ec.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null);
    assertEquals(alias, ec.chooseEngineServerAlias("EC_RSA", null, null));
    assertArrayEquals(new X509Certificate[] {clientCert}, ec.getCertificateChain(alias));
    assertEquals(clientKey.getPrivate(), ec.getPrivateKey(alias));
    assertNull(ec.getPrivateKey("another"));
    assertNull(ec.getCertificateChain("another"));
    KeyPair rsa = TestPki.rsaKey(2048);
    SingleKeyManager rsaKeys = new SingleKeyManager(rsa.getPrivate(),
        selfSigned("rsa", rsa, "SHA256withRSA"));
    assertNull(rsaKeys.chooseEngineClientAlias(new String[] {"EC"}, null, null));
    assertEquals(1, rsaKeys.getClientAliases("RSA", null).length);
  }

  @Test
  void aKeyWithoutItsCertificateIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new SingleKeyManager(clientKey.getPrivate()));
  }

  private static X509Certificate selfSigned(String cn, KeyPair key) {
    return selfSigned(cn, key, "SHA256withECDSA");
  }

  private static X509Certificate selfSigned(String cn, KeyPair key, String algorithm) {
    try {
      return TestPki.selfSigned(cn, key, Instant.now().minusSeconds(60), Duration.ofDays(1),
          algorithm);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
