package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.LogCapture;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against a hostile browser or network, over real HTTPS: slow clients that
 * never finish a request, password guessing, names that forge log lines, and the headers
 * every response must carry.
 */
class DashboardDefencesTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path data;
  private final MovableClock clock = new MovableClock();
  private CertificateAuthority ca;
  private RocksStore store;
  private Dashboard dashboard;
  private HttpClient client;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.loadOrCreate(data.resolve("ca"));
    ServerCredentials server = ServerCredentials.loadOrCreate(data.resolve("ca"), ca,
        "127.0.0.1");
    store = RocksStore.open(data.resolve("db"));
    store.putNode(NodeInfo.newBuilder().setName("web1.test").build());
    OperatorPasswords operators = new OperatorPasswords(data);
    operators.put("alice", PASSWORD.toCharArray());
    dashboard = Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(),
        ca.certificate(), store, operators,
        new DriftAccept(store, clock, List.of()), clock);
    client = HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    dashboard.close();
    store.close();
  }

  // --- slow clients ------------------------------------------------------------------

  @Test
  void slowClientsDoNotKeepALoginWaitingAndAreClosed() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      slow.add(silentConnection());
      slow.add(unfinishedRequest());
    }

    HttpResponse<String> login;
    try {
      login = login("alice", PASSWORD, Duration.ofSeconds(8));
    } catch (HttpTimeoutException e) {
      throw new AssertionError("8 slow clients kept a login waiting for 8 s", e);
    }
    assertThat(login.statusCode()).isEqualTo(303);

    for (Socket s : slow) {
      assertThat(closedByServer(s, 30_000)).as("a slow client is disconnected").isTrue();
    }
  }

  private Socket silentConnection() throws Exception {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", dashboard.port()), 5_000);
    return s;
  }

  /** TLS done, then the start of a request whose headers never end. */
  private Socket unfinishedRequest() throws Exception {
    SSLSocket s = (SSLSocket) tls().getSocketFactory().createSocket("127.0.0.1",
        dashboard.port());
    sockets.add(s);
    s.setSoTimeout(5_000);
    s.startHandshake();
    OutputStream out = s.getOutputStream();
    out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static boolean closedByServer(Socket socket, int boundMs) throws Exception {
    socket.setSoTimeout(boundMs);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // drain
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  // --- a connection kept for the next request ---------------------------------------

  @Test
  void aRefusedFormIsAnsweredOnlyOnceItsBodyIsRead() throws Exception {
    SSLSocket s = tlsConnection();
    String form = "node=web1.test";
    write(s, "POST " + ReviewPage.ACCEPT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Cookie: stead_session=forged\r\nContent-Length: " + form.length() + "\r\n\r\n");
    CompletableFuture<Long> answered = CompletableFuture.supplyAsync(() -> {
      try {
        s.getInputStream().read();
        return System.nanoTime();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Thread.sleep(300);
    long bodySent = System.nanoTime();
    write(s, form);
    // Answered before the body, the server would read the body after its answer, when a
    // browser's next request on this connection may be there too, and lose that request.
    assertThat(answered.get(5, TimeUnit.SECONDS)).as("answered after the body was sent")
        .isGreaterThan(bodySent);
    assertThat(responseHead(s)).contains("Location: /login");
    write(s, "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(responseHead(s)).as("the connection serves the next request")
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void aBodyLongerThanAnyFormClosesTheConnectionAfterTheAnswer() throws Exception {
    SSLSocket s = tlsConnection();
    int length = Dashboard.MAX_FORM_BYTES + 1000;
    write(s, "POST " + ReviewPage.ACCEPT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Cookie: stead_session=forged\r\nContent-Length: " + length + "\r\n\r\n"
        + "x".repeat(length));
    assertThat(responseHead(s)).startsWith("HTTP/1.1 303").containsIgnoringCase(
        "Connection: close");
  }

  private SSLSocket tlsConnection() throws Exception {
    SSLSocket s = (SSLSocket) tls().getSocketFactory().createSocket("127.0.0.1",
        dashboard.port());
    sockets.add(s);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** The status line and headers of a response without a body (or what is left of them). */
  private static String responseHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    return head.toString();
  }

  // --- login throttling --------------------------------------------------------------

  @Test
  void guessingOnePasswordLocksTheNameAndEvenTheRightPasswordWaits() throws Exception {
    for (int i = 0; i < LoginThrottle.FREE_FAILURES_PER_NAME; i++) {
      assertThat(login("alice", "guess " + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> locked = login("alice", PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isPositive();

    clock.advance(Duration.ofSeconds(retryAfter));
    assertThat(login("alice", "another guess").statusCode()).isEqualTo(401);
    HttpResponse<String> longer = login("alice", PASSWORD);
    assertThat(longer.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(longer.headers().firstValue("Retry-After").orElseThrow()))
        .as("each further failure doubles the wait").isGreaterThan(retryAfter);

    clock.advance(LoginThrottle.LONGEST_LOCK);
    assertThat(login("alice", PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void guessingManyNamesFromOneAddressLocksTheAddress() throws Exception {
    for (int i = 0; i < LoginThrottle.FREE_FAILURES_PER_ADDRESS; i++) {
      assertThat(login("user" + i, "guess").statusCode()).isEqualTo(401);
    }

    HttpResponse<String> locked = login("alice", PASSWORD);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void aNameWithLineBreaksCannotForgeALogLine() throws Exception {
    List<LogRecord> records;
    try (LogCapture log = LogCapture.of(Dashboard.class)) {
      login("mallory\nINFO: dashboard: alice logged in\r\u2028", "guess");
      records = log.records();
    }

    assertThat(records).hasSize(1);
    String message = records.get(0).getMessage();
    assertThat(message).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028")
        .contains("mallory\\nINFO: dashboard: alice logged in\\r\\u2028").contains("127.0.0.1");
  }

  // --- headers -----------------------------------------------------------------------

  @Test
  void everyResponseCarriesTheSecurityHeadersAndNoInlineScript() throws Exception {
    String cookie = cookieOf(login("alice", PASSWORD));
    List<HttpResponse<String>> responses = List.of(
        get("/", null), // a redirect to the login
        get("/login", null),
        login("alice", "wrong"),
        get("/", cookie),
        get("/no-such-page", cookie),
        get(Dashboard.SCRIPT, cookie));
    for (HttpResponse<String> r : responses) {
      assertThat(r.headers().firstValue("Strict-Transport-Security"))
          .as(r.uri().toString()).hasValueSatisfying(v -> assertThat(v).startsWith("max-age="));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("script-src 'self'");
      assertThat(csp.substring(csp.indexOf("script-src")).split(";")[0])
          .doesNotContain("unsafe-inline");
    }
    String overview = get("/", cookie).body();
    assertThat(overview).contains("<script src=\"" + Dashboard.SCRIPT + "\"></script>")
        .doesNotContain("<script>");
    HttpResponse<String> script = get(Dashboard.SCRIPT, cookie);
    assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/javascript"));
    assertThat(script.body()).contains("/api/summary");
  }

  // --- plumbing ------------------------------------------------------------------------

  private HttpResponse<String> login(String name, String password) throws Exception {
    return login(name, password, Duration.ofSeconds(30));
  }

  private HttpResponse<String> login(String name, String password, Duration timeout)
      throws Exception {
    String form = "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&password="
        + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return client.send(HttpRequest.newBuilder(url("/login")).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
        .timeout(Duration.ofSeconds(30));
    if (cookie != null) {
      request.header("Cookie", "stead_session=" + cookie);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookieOf(HttpResponse<String> login) {
    assertThat(login.statusCode()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring("stead_session=".length(), setCookie.indexOf(';'));
  }

  private URI url(String path) {
    return URI.create("https://127.0.0.1:" + dashboard.port() + path);
  }

  private SSLContext tls() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Wall-clock time plus whatever the test has moved it on by. */
  private static final class MovableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void advance(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }
}
