package dev.stead.master.rpc;

import dev.stead.testing.TestPki;
import java.net.Socket;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** The real PKIX trust manager, counting the chains it is asked about. */
final class CountingPkix extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager real;
  final AtomicInteger calls = new AtomicInteger();

  CountingPkix(X509ExtendedTrustManager real) {
    this.real = real;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    calls.incrementAndGet();
    real.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    calls.incrementAndGet();
    real.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    calls.incrementAndGet();
    real.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    real.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    real.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    real.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return real.getAcceptedIssuers();
  }

  /** A leaf certificate {@code issuer} signed for a new EC key. */
  static X509Certificate leaf(TestPki.Ca issuer, String cn) throws Exception {
    KeyPair key = TestPki.ecKey();
    return issuer.sign(new X500Name("CN=" + cn),
        SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()), false, null);
  }
}
