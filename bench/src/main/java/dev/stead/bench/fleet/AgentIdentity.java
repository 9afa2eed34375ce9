package dev.stead.bench.fleet;

import dev.stead.wire.SingleKeyManager;
import java.io.ByteArrayInputStream;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A simulated agent's name, key and the certificate the master signed for that key. The
 * certificate is kept encoded and parsed when a connection is set up: a parsed one holds
 * ~4 KB of heap, and 100,000 of them made the simulator's own collector pause for hundreds of
 * milliseconds, which its latency figures counted against the master.
 */
final class AgentIdentity {
  private final String node;
  private final PrivateKey key;
  private final byte[] certificate;

  AgentIdentity(String node, PrivateKey key, byte[] encodedCertificate) {
    this.node = Objects.requireNonNull(node, "node");
    this.key = key;
    this.certificate = encodedCertificate == null ? null : encodedCertificate.clone();
  }

  String node() {
    return node;
  }

  PrivateKey key() {
    return key;
  }

  /** The certificate, parsed again at each call. */
  X509Certificate certificate() {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificate));
    } catch (CertificateException e) {
      throw new IllegalStateException("unreadable certificate for " + node, e);
    }
  }

  /** Presents this agent's key and certificate in TLS (no PKCS#12 store built for each). */
  SingleKeyManager keyManager() {
    return new SingleKeyManager(key, certificate());
  }

  /** The certificate as DER. */
  byte[] encodedCertificate() {
    return certificate.clone();
  }
}
