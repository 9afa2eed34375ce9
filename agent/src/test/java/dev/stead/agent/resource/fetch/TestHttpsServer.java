package dev.stead.agent.resource.fetch;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.stead.testing.TestPki;
import dev.stead.agent.tls.KeyMaterial;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A real HTTPS server on loopback for tests, its certificate signed by a CA the test makes:
 * serves the files put into it and counts the requests it answers. Close it when done.
 */
public final class TestHttpsServer implements AutoCloseable {
  private final HttpsServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  /** Requests answered, whatever their path. */
  public final AtomicInteger requests = new AtomicInteger();

  private TestHttpsServer(HttpsServer server) {
    this.server = server;
  }

  /** A server whose certificate {@code ca} signed for localhost and 127.0.0.1. */
  public static TestHttpsServer start(TestPki.Ca ca) throws Exception {
    KeyPair keys = KeyMaterial.generate();
    return start(ca, keys, ca.server(keys.getPublic()));
  }

  /** A server whose certificate {@code ca} signed for {@code dnsName} only. */
  public static TestHttpsServer startNamed(TestPki.Ca ca, String dnsName) throws Exception {
    KeyPair keys = KeyMaterial.generate();
    X509Certificate certificate = ca.sign(new X500Name("CN=" + dnsName),
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    return start(ca, keys, certificate);
  }

  private static TestHttpsServer start(TestPki.Ca ca, KeyPair keys, X509Certificate certificate)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "test".toCharArray();
    store.setKeyEntry("server", keys.getPrivate(), password,
        new Certificate[] {certificate, ca.certificate()});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    TestHttpsServer out = new TestHttpsServer(https);
    https.createContext("/", exchange -> {
      out.requests.incrementAndGet();
      byte[] body = out.files.get(exchange.getRequestURI().getPath());
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream o = exchange.getResponseBody()) {
          o.write(body);
        }
      }
      exchange.close();
    });
    https.start();
    return out;
  }

  /** Serves {@code body} at {@code path} (e.g. {@code /app.conf}) from now on. */
  public TestHttpsServer serve(String path, byte[] body) {
    files.put(path, body.clone());
    return this;
  }

  /** {@code https://127.0.0.1:PORT} + {@code path}. */
  public String url(String path) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Writes {@code ca}'s certificate as PEM to {@code file}, creating its directory. */
  public static void writePem(TestPki.Ca ca, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(ca.certificate().getEncoded());
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body
        + "\n-----END CERTIFICATE-----\n");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
