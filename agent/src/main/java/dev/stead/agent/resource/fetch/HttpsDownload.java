package dev.stead.agent.resource.fetch;

import dev.stead.wire.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Downloads an {@code https://} URL for a resource's {@code source}. The server must prove
 * itself with a certificate that chains to the JDK's trusted CAs (the system's, as the
 * distribution installs them) or, when the catalog names a CA file, to one of the CAs in it
 * and no other; its host name is checked against the certificate as browsers do. There is
 * no way to switch either check off. Redirects are followed to {@code https://} only. The
 * caller checks what arrives against the catalog's checksum. Stateless.
 */
public final class HttpsDownload {
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  /** A server that sends nothing for this long is given up on; a slow one is not. */
  private static final int READ_TIMEOUT_MS = 60_000;

  private HttpsDownload() {}

  /**
   * Streams the body of {@code url} to {@code out}.
   *
   * @param caFile a PEM file of the only CAs to trust, or null for the system's
   * @throws IOException with a message naming the URL and what went wrong
   */
  public static void fetch(String url, Path caFile, OutputStream out) throws IOException {
    URL target;
    try {
      target = URI.create(url).toURL();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException(url + " is not a valid URL: " + e.getMessage(), e);
    }
    if (!"https".equalsIgnoreCase(target.getProtocol())) {
      throw new IOException(url + " is not an https:// URL");
    }
    SSLContext tls = context(caFile);
    HttpsURLConnection connection;
    try {
      connection = (HttpsURLConnection) target.openConnection();
    } catch (ClassCastException e) {
      throw new IOException(url + " is not an https:// URL", e);
    }
    connection.setSSLSocketFactory(tls.getSocketFactory());
    // The default hostname verifier is kept: with it the JDK checks the name in the TLS
    // handshake itself (endpoint identification), as it should.
    connection.setInstanceFollowRedirects(true);
    connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
    connection.setReadTimeout(READ_TIMEOUT_MS);
    connection.setUseCaches(false);
    connection.setRequestProperty("Accept-Encoding", "identity");
    try {
      int status = connection.getResponseCode();
      if (status != HttpURLConnection.HTTP_OK) {
        throw new IOException(url + " answered HTTP " + status
            + (connection.getResponseMessage() == null ? ""
                : " " + connection.getResponseMessage()));
      }
      if (!"https".equalsIgnoreCase(connection.getURL().getProtocol())) {
        throw new IOException(url + " redirected to " + connection.getURL()
            + ", which is not https://");
      }
      try (InputStream in = connection.getInputStream()) {
        in.transferTo(out);
      }
    } catch (SSLHandshakeException e) {
      throw new IOException("TLS handshake with " + target.getHost() + " failed ("
          + (caFile == null ? "trusting the system's CAs" : "trusting only " + caFile) + "): "
          + rootMessage(e), e);
    } catch (SSLException e) {
      throw new IOException("TLS failure talking to " + target.getHost() + ": "
          + rootMessage(e), e);
    } catch (SocketTimeoutException e) {
      throw new IOException(url + " timed out: " + e.getMessage(), e);
    } finally {
      connection.disconnect();
    }
  }

  /** TLS trusting the system's CAs, or exactly the certificates in {@code caFile}. */
  static SSLContext context(Path caFile) throws IOException {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile == null) {
        trust.init((KeyStore) null);
      } else {
        trust.init(trustStore(caFile));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
    String pem;
    try {
      pem = Files.readString(caFile, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException("source_ca " + caFile + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read source_ca " + caFile + ": " + e.getMessage(), e);
    }
    List<X509Certificate> certificates;
    try {
      certificates = Pem.readCertificates(pem);
    } catch (IOException e) {
      throw new IOException("source_ca " + caFile + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IOException("source_ca " + caFile + " holds no PEM certificate");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < certificates.size(); i++) {
      store.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    return store;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
