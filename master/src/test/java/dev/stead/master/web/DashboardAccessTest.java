package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.ca.AdminCredentials;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.Keys;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.wire.Pem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who gets into the dashboard, over real HTTPS with real certificates: the admin certificate
 * from {@code DATA/admin} without a password, a node's certificate not; sessions from the
 * operator login survive a restart of the dashboard and end when they should.
 */
class DashboardAccessTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path data;
  private CertificateAuthority ca;
  private ServerCredentials server;
  private RocksStore store;
  private OperatorPasswords operators;
  private Dashboard dashboard;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.loadOrCreate(data.resolve("ca"));
    server = ServerCredentials.loadOrCreate(data.resolve("ca"), ca, "127.0.0.1");
    store = RocksStore.open(data.resolve("db"));
    store.putNode(NodeInfo.newBuilder().setName("web1.test").build());
    operators = new OperatorPasswords(data);
    operators.put("alice", PASSWORD.toCharArray());
    dashboard = startDashboard();
  }

  private Dashboard startDashboard() throws Exception {
    return Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(), ca.certificate(),
        store, operators, new DriftAccept(store, Clock.systemUTC(),
            List.of()), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** An HTTPS client that trusts the master's CA and presents {@code key}/{@code cert}, if any. */
  private HttpClient client(PrivateKey key, X509Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (key != null) {
      keys.setKeyEntry("me", key, new char[0], new Certificate[] {cert, ca.certificate()});
    }
    kmf.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  private HttpResponse<String> get(HttpClient client, String path, String cookie)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + dashboard.port() + path));
    if (cookie != null) {
      request.header("Cookie", "stead_session=" + cookie);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertOverview(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("<b id=\"count-total\">1</b>").contains("web1.test");
  }

  private static void assertSentToLogin(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("/login");
  }

  @Test
  void theOverviewAndTheNodePageShowTheModeAndEnvironmentTheOperatorSet() throws Exception {
    AdminCredentials.loadOrCreate(data.resolve("admin"), ca);
    HttpClient admin = client(Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
    assertThat(get(admin, "/node?name=web1.test", null).body())
        .contains("mode <b id=\"node-mode\">enforce</b>");
    new NodeClassifications(store).classify("web1.test",
        Map.of("mode", "audit"), List.of(), "stead-admin");
    assertThat(get(admin, "/node?name=web1.test", null).body())
        .contains("mode <b id=\"node-mode\">audit</b>");
    assertThat(get(admin, "/", null).body()).containsPattern("web1\\.test.*?<td>audit</td>");

    assertThat(get(admin, "/node?name=web1.test", null).body())
        .contains("environment <b id=\"node-environment\">production</b>");
    new NodeClassifications(store).classify("web1.test",
        Map.of("environment", "staging"), List.of(), "stead-admin");
    assertThat(get(admin, "/node?name=web1.test", null).body())
        .contains("environment <b id=\"node-environment\">staging</b>");
    assertThat(get(admin, "/", null).body())
        .containsPattern("web1\\.test.*?<td>audit</td><td>staging</td>");
  }

  @Test
  void theAdminCertificateGetsInWithoutAPasswordANodeCertificateDoesNot() throws Exception {
    AdminCredentials.loadOrCreate(data.resolve("admin"), ca);
    // Read back from the files an operator would point a client at.
    HttpClient admin = client(Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
    assertOverview(get(admin, "/", null));
    assertThat(get(admin, "/api/summary", null).body()).contains("\"total\":1");

    KeyPair pair = Keys.newEcKeyPair(new SecureRandom());
    X509Certificate node = ca.issueClient("web1.test", pair.getPublic(), Duration.ofDays(1));
    assertSentToLogin(get(client(pair.getPrivate(), node), "/", null));
    assertSentToLogin(get(client(null, null), "/", null));
  }

  @Test
  void aRevokedAdminCertificateGetsInNoLonger() throws Exception {
    AdminCredentials.loadOrCreate(data.resolve("admin"), ca);
    X509Certificate cert = Pem.readCertificate(data.resolve("admin/cert.pem"));
    dev.stead.master.ca.Revocations revocations =
        dev.stead.master.ca.Revocations.load(ca, store, data.resolve("ca"));
    dashboard.close();
    dashboard = Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(),
        ca.certificate(), store, operators, new DriftAccept(store, Clock.systemUTC(),
            List.of()), Clock.systemUTC(), null, null, revocations::refuses);
    HttpClient admin = client(Pem.readPrivateKey(data.resolve("admin/key.pem")), cert);
    assertOverview(get(admin, "/", null));

    revocations.revoke(dev.stead.proto.v1.RevokedCertificate.newBuilder()
        .setCertname("stead-admin")
        .setSerial(dev.stead.master.ca.Revocations.hex(cert.getSerialNumber()))
        .setRevokedAtMs(System.currentTimeMillis())
        .setNotAfterMs(cert.getNotAfter().getTime()).setReason("revoked").build());

    // The same client, its TLS session still open: refused from the next request on.
    assertSentToLogin(get(admin, "/", null));
    assertThat(get(admin, "/api/summary", null).statusCode()).isNotEqualTo(200);
    // A login's session still gets in, whatever certificate the browser holds.
    String cookie = logIn(admin);
    assertOverview(get(admin, "/", cookie));
  }

  @Test
  void aLoginSurvivesARestartAndEndsWithLogoutOrANewPassword() throws Exception {
    HttpClient browser = client(null, null);
    String cookie = logIn(browser);
    assertOverview(get(browser, "/", cookie));
    Path key = data.resolve(SessionCookies.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");

    dashboard.close();
    dashboard = startDashboard();
    assertOverview(get(browser, "/", cookie));

    // A forged or altered cookie is refused.
    String[] parts = cookie.split("\\.");
    String otherName = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("bob".getBytes(StandardCharsets.UTF_8));
    assertSentToLogin(get(browser, "/", otherName + "." + parts[1] + "." + parts[2]));
    assertSentToLogin(get(browser, "/", parts[0] + "." + (Long.parseLong(parts[1]) + 1000)
        + "." + parts[2]));

    assertSentToLogin(get(browser, "/logout", cookie));
    assertSentToLogin(get(browser, "/", cookie));
    // A copy of the cookie taken before the logout stays refused after a restart.
    dashboard.close();
    dashboard = startDashboard();
    assertSentToLogin(get(browser, "/", cookie));
    assertThat(data.resolve(LoggedOutSessions.FILE)).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        data.resolve(LoggedOutSessions.FILE)))).isEqualTo("rw-------");

    String second = logIn(browser);
    assertOverview(get(browser, "/", second));
    operators.put("alice", "a brand new password".toCharArray());
    assertSentToLogin(get(browser, "/", second));
  }

  private String logIn(HttpClient client) throws Exception {
    String form = "name=alice&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + dashboard.port() + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
    return setCookie.substring("stead_session=".length(), setCookie.indexOf(';'));
  }
}
