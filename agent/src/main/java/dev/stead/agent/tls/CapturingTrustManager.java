package dev.stead.agent.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts whatever chain a server presents and remembers it. Used for exactly one call, the
 * bootstrap fetch of the CA certificate, whose answer is then checked against the expected
 * fingerprint and the remembered chain against that CA: trust comes from those checks, not
 * from this class. Never use it for anything else.
 */
public final class CapturingTrustManager extends X509ExtendedTrustManager {
  private volatile List<X509Certificate> chain = List.of();

  /** The chain the server presented, leaf first; empty before a handshake. */
  public List<X509Certificate> chain() {
    return chain;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] presented, String authType) {
    chain = List.of(presented);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) {
    chain = List.of(presented);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) {
    chain = List.of(presented);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] c, String a, Socket s)
      throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e)
      throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
