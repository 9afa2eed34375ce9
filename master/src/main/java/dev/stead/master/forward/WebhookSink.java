package dev.stead.master.forward;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.stead.proto.v1.ForwardedReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * POSTs each forwarded report as JSON to an HTTPS URL, with
 * {@code X-Stead-Signature: sha256=HEX}, the HMAC-SHA256 of the body under the operator's
 * secret, so the receiver can tell Stead's posts from anyone's. TLS is verified against the
 * system's trust store or the CA file the operator names; there is no way to turn it off.
 */
final class WebhookSink implements Sink {
  static final String SIGNATURE_HEADER = "X-Stead-Signature";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final URI url;
  private final byte[] secret;
  private final HttpClient client;

  WebhookSink(URI url, byte[] secret, SSLContext tls) {
    if (!"https".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("the report webhook must be an https:// URL, got "
          + url);
    }
    this.url = url;
    this.secret = secret.clone();
    this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public String name() {
    return "webhook " + url;
  }

  @Override
  public void send(ForwardedReport report) throws IOException {
    byte[] body = json(report).getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, "sha256=" + sign(secret, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<Void> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while posting to " + url, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(url + " answered HTTP " + response.statusCode());
    }
  }

  static String json(ForwardedReport report) {
    try {
      return JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace()
          .print(report);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a forwarded report cannot be printed as JSON", e);
    }
  }

  /** Lower-case hex HMAC-SHA256 of {@code body} under {@code secret}. */
  static String sign(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** TLS that trusts the system's store, or only the CA certificates in {@code caFile}. */
  static SSLContext tls(Path caFile) throws IOException {
    try {
      if (caFile == null) {
        return SSLContext.getDefault();
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      try (InputStream in = Files.newInputStream(caFile)) {
        for (Certificate c : CertificateFactory
            .getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("ca" + i++, c);
        }
      }
      if (i == 0) {
        throw new IOException("no certificate in " + caFile);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + caFile + " as the webhook's CA: " + e.getMessage(),
          e);
    }
  }
}
