package dev.stead.master.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.stead.master.fleet.ChangeLog;
import dev.stead.master.fleet.Compliance;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.fleet.DriftExceptions;
import dev.stead.master.fleet.DriftReview;
import dev.stead.master.fleet.Expiries;
import dev.stead.master.fleet.Redactor;
import dev.stead.master.metrics.MasterMetrics.NodeState;
import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.CompliancePoint;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.DriftReviewItem;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.wire.StatusWords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * The operators' web dashboard over HTTPS (TLS 1.3/1.2, the master's server certificate).
 * A caller is let in with the admin certificate or a session from the operator login; the
 * session cookie is {@code Secure; HttpOnly; SameSite=Strict}, lasts 8 hours and is signed
 * rather than stored ({@link SessionCookies}), so it survives a restart of the master. Every page
 * reads the store at request time; the overview refreshes its counts every 5 seconds
 * through {@code /api/summary}. Values from reports are redacted and HTML-escaped.
 *
 * <p>Decisions on drift ({@code /review}, and each node's page): excepting a drifted property
 * and lifting an exception go through {@link DriftExceptions} like {@code stead drift except},
 * accepting the observed value through {@link DriftAccept} like {@code stead drift accept}
 * (the answer, a patch or a snippet, is shown on a page of its own; the code is never
 * written), each recorded with the operator's login. They are form POSTs, taken only with the caller's form
 * token and from the dashboard's own origin ({@link FormGuard}); anything else gets 403 and
 * changes nothing.
 *
 * <p>Against a hostile network: logins are throttled per name and per address
 * ({@link LoginThrottle}), requests must arrive within {@link HttpTimeouts}, and every response
 * carries HSTS, {@code nosniff} and a policy that allows no inline script.
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Dashboard.class.getName());
  private static final String COOKIE = "stead_session";
  private static final long SESSION_MS = 8 * 3_600_000L;
  private static final long HOUR = 3_600_000L;
  /** A decision's form is a few fields; a longer body is not one of ours. */
  static final int MAX_FORM_BYTES = 64 * 1024;
  static final int WORKERS = 32;
  /** The one script of every page (see the file): served, never inline. */
  static final String SCRIPT = "/dashboard.js";
  private static final String SCRIPT_TEXT = loadScript();
  private final HttpsServer server;
  private final ExecutorService executor;
  private final Store store;
  private final NodeClassifications classifications;
  private final OperatorPasswords operators;
  private final Compliance compliance;
  private final ChangeLog changes;
  private final Clock clock;
  private final SessionCookies sessions;
  private final LoginThrottle throttle;
  private final FormGuard guard;
  private final DriftReview review;
  private final DriftExceptions exceptions;
  private final DriftAccept accept;
  /** Whether an admin certificate's serial is revoked now. */
  private final java.util.function.Predicate<java.math.BigInteger> refusedSerial;
  /** Previews started from the page; null when the master gave the dashboard none. */
  private final dev.stead.master.preview.PreviewRuns previews;

  private Dashboard(HttpsServer server, ExecutorService executor, Store store,
      OperatorPasswords operators, DriftAccept accept, SessionCookies sessions, Clock clock,
      dev.stead.master.preview.FleetPreview preview,
      java.util.function.Predicate<java.math.BigInteger> refusedSerial) {
    this.server = server;
    this.refusedSerial = refusedSerial;
    this.executor = executor;
    this.store = store;
    this.operators = operators;
    this.sessions = sessions;
    this.compliance = new Compliance(store, clock);
    this.changes = new ChangeLog(store);
    this.clock = clock;
    this.throttle = new LoginThrottle(clock);
    this.classifications = new NodeClassifications(store, clock);
    this.guard = new FormGuard(sessions);
    this.review = new DriftReview(store);
    this.exceptions = new DriftExceptions(store, clock);
    this.accept = accept;
    this.previews = preview == null ? null
        : new dev.stead.master.preview.PreviewRuns(preview, clock);
  }

  /**
   * Who is calling, and what their form token is bound to: the session cookie, or the
   * admin certificate's digest (a certificate in the browser is sent to any site's request
   * as a cookie is, so it needs a token too).
   */
  private record Caller(String name, String binding) {}

  /** A node's mode in words: {@code audit} (changes nothing, by the operator's say) or enforce. */
  private static String modeWord(NodeInfo node) {
    return node.getMode() == Mode.AUDIT ? "audit" : "enforce";
  }

  private static String loadScript() {
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.js")) {
      if (in == null) {
        throw new IllegalStateException("dashboard.js is missing from the master's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Binds {@code host:port} (0: any free port) with the given server identity.
   *
   * @param accept what answers an accept, the same as {@code FleetService.AcceptDrift}'s
   */
  public static Dashboard start(String host, int port, PrivateKey key, X509Certificate certificate,
      X509Certificate caCertificate, Store store, OperatorPasswords operators,
      DriftAccept accept, Clock clock) throws IOException {
    return start(host, port, key, certificate, caCertificate, store, operators, accept, clock,
        null);
  }

  /** The session key in {@code DATA/dashboard-session.key}, or null when there is none. */
  public static byte[] existingSessionKey(java.nio.file.Path dataDir) {
    return SessionCookies.existingKey(dataDir);
  }

  /**
   * As above, signing sessions with {@code sessionKey} (32 bytes) when not null: the key
   * masters sharing a store share, so a login holds on each of them; null: the key in
   * {@code DATA/dashboard-session.key}.
   */
  public static Dashboard start(String host, int port, PrivateKey key, X509Certificate certificate,
      X509Certificate caCertificate, Store store, OperatorPasswords operators,
      DriftAccept accept, Clock clock, byte[] sessionKey) throws IOException {
    return start(host, port, key, certificate, caCertificate, store, operators, accept, clock,
        sessionKey, null);
  }

  /**
   * As above, with the preview page running {@code preview} (null: no preview page), for a
   * CA that has revoked nothing: a master passes its revocations to the overload below.
   */
  public static Dashboard start(String host, int port, PrivateKey key, X509Certificate certificate,
      X509Certificate caCertificate, Store store, OperatorPasswords operators,
      DriftAccept accept, Clock clock, byte[] sessionKey,
      dev.stead.master.preview.FleetPreview preview) throws IOException {
    return start(host, port, key, certificate, caCertificate, store, operators, accept, clock,
        sessionKey, preview, serial -> false);
  }

  /**
   * As above, refusing an admin certificate whose serial {@code refusedSerial} names (revoked
   * on any master of the store): the TLS handshake checks only the CA's signature and the
   * validity dates, as the gRPC side's does before its per-call revocation check.
   */
  public static Dashboard start(String host, int port, PrivateKey key, X509Certificate certificate,
      X509Certificate caCertificate, Store store, OperatorPasswords operators,
      DriftAccept accept, Clock clock, byte[] sessionKey,
      dev.stead.master.preview.FleetPreview preview,
      java.util.function.Predicate<java.math.BigInteger> refusedSerial) throws IOException {
    SSLContext tls;
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      keys.setKeyEntry("server", key, none, new Certificate[] {certificate, caCertificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCertificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up the dashboard's TLS: " + e.getMessage(), e);
    }
    SessionCookies sessions = sessionKey == null
        ? SessionCookies.loadOrCreate(operators.directory(), operators, clock)
        : SessionCookies.withKey(sessionKey, operators, clock,
            store instanceof dev.stead.master.storage.SharedState shared
                ? LoggedOutSessions.shared(shared, clock)
                : LoggedOutSessions.inFile(operators.directory(), clock));
    HttpTimeouts.apply();
    HttpsServer server;
    try {
      server = HttpsServer.create(new InetSocketAddress(host, port), 32);
    } catch (IOException e) {
      throw new IOException("cannot listen for the dashboard on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        // The admin certificate is welcome but not required: browsers log in instead.
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    // Each connection holds a worker while its request is read (HttpTimeouts bounds that).
    ExecutorService executor = Executors.newFixedThreadPool(WORKERS, r -> {
      Thread thread = new Thread(r, "stead-dashboard");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    Dashboard dashboard = new Dashboard(server, executor, store, operators, accept, sessions,
        clock, preview, refusedSerial);
    server.createContext("/", dashboard::handle);
    server.start();
    return dashboard;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    if (previews != null) {
      previews.close();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      securityHeaders(exchange.getResponseHeaders());
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = params(exchange.getRequestURI().getRawQuery());
      try {
        if (path.equals("/login")) {
          login(exchange);
          return;
        }
        Optional<Caller> who = caller(exchange);
        if (who.isEmpty()) {
          redirect(exchange, "/login");
          return;
        }
        if (path.equals(ReviewPage.EXCEPT) || path.equals(ReviewPage.LIFT)
            || path.equals(ReviewPage.ACCEPT)) {
          decide(exchange, who.get(), path);
          return;
        }
        if (path.equals(PreviewPage.RUN)) {
          startPreview(exchange, who.get());
          return;
        }
        switch (path) {
          case "/" -> send(exchange, 200, "text/html", overview());
          case "/api/summary" -> send(exchange, 200, "application/json", summaryJson());
          case SCRIPT -> send(exchange, 200, "text/javascript", SCRIPT_TEXT);
          case "/node" -> send(exchange, 200, "text/html", node(query.getOrDefault("name", ""),
              who.get(), query.getOrDefault("done", "")));
          case "/review" -> send(exchange, 200, "text/html", reviewPage(who.get(),
              query.getOrDefault("done", ""), ""));
          case "/report" -> send(exchange, 200, "text/html", report(query.getOrDefault("id", "")));
          case PreviewPage.PATH -> send(exchange, 200, "text/html", previewPage(who.get(), ""));
          case "/logout" -> {
            cookie(exchange).ifPresent(sessions::logOut);
            exchange.getResponseHeaders().add("Set-Cookie", COOKIE
                + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
            redirect(exchange, "/login");
          }
          default -> send(exchange, 404, "text/html", Html.page("Not found",
              "<p>No such page.</p>"));
        }
      } catch (NotFound e) {
        send(exchange, 404, "text/html", Html.page("Not found",
            "<p>" + Html.esc(e.getMessage()) + "</p>"));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "dashboard page " + path + " failed", e);
        send(exchange, 500, "text/html", Html.page("Error",
            "<p>The master could not render this page; see its log.</p>"));
      }
    }
  }

  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }

  // --- authentication ----------------------------------------------------------------

  private Optional<Caller> caller(HttpExchange exchange) {
    if (exchange instanceof HttpsExchange https) {
      try {
        Certificate[] chain = https.getSSLSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate cert
            && new X500Principal("CN=stead-admin").equals(cert.getSubjectX500Principal())
            // Revoked: not the admin; a login's session cookie may still say who calls.
            && !refusedSerial.test(cert.getSerialNumber())) {
          return Optional.of(new Caller("stead-admin", "certificate:" + digest(cert)));
        }
      } catch (SSLPeerUnverifiedException e) {
        // No client certificate: fall through to the session.
      }
    }
    Optional<String> cookie = cookie(exchange);
    return cookie.flatMap(sessions::verify).map(name -> new Caller(name, cookie.get()));
  }

  private static String digest(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest
          .getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot digest the admin certificate", e);
    }
  }

  private Optional<String> cookie(HttpExchange exchange) {
    for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String part : header.split(";")) {
        String[] kv = part.strip().split("=", 2);
        if (kv.length == 2 && kv[0].equals(COOKIE)) {
          return Optional.of(kv[1]);
        }
      }
    }
    return Optional.empty();
  }

  private void login(HttpExchange exchange) throws IOException {
    String error = "";
    if (exchange.getRequestMethod().equals("POST")) {
      byte[] body = exchange.getRequestBody().readNBytes(8192);
      Map<String, String> form = params(new String(body, StandardCharsets.US_ASCII));
      String name = form.getOrDefault("name", "");
      String address = exchange.getRemoteAddress().getAddress().getHostAddress();
      Optional<Duration> wait = throttle.wait(name, address);
      if (wait.isPresent()) {
        // Refused before the password is looked at: a guess made now tests nothing.
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
        send(exchange, 429, "text/html", Html.plainPage("Log in", "<h1>Log in</h1>"
            + "<p id=\"login-error\" class=\"drift\">Too many failed logins for this name or from"
            + " this address. Try again in " + seconds + " seconds.</p>"));
        return;
      }
      if (operators.verify(name, form.getOrDefault("password", "").toCharArray())) {
        throttle.succeeded(name);
        String id = sessions.issue(name, clock.millis() + SESSION_MS);
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + id
            + "; Path=/; Max-Age=" + SESSION_MS / 1000 + "; Secure; HttpOnly; SameSite=Strict");
        redirect(exchange, "/");
        return;
      }
      Optional<Duration> lock = throttle.failed(name, address);
      LOG.info("dashboard: failed login for '" + LogText.quote(name) + "' from " + address
          + lock.map(d -> "; logins for this name or from this address wait "
              + d.toSeconds() + " s").orElse(""));
      error = "<p id=\"login-error\" class=\"drift\">Wrong name or password.</p>";
    }
    send(exchange, error.isEmpty() ? 200 : 401, "text/html", Html.plainPage("Log in",
        "<h1>Log in</h1>" + error + "<form method=\"post\" action=\"/login\">"
            + "<p><label>Operator <input id=\"name\" name=\"name\" autocomplete=\"username\">"
            + "</label></p><p><label>Password <input id=\"password\" name=\"password\" "
            + "type=\"password\" autocomplete=\"current-password\"></label></p>"
            + "<p><button id=\"login\" type=\"submit\">Log in</button></p></form>"
            + "<p>Operators are added on the master with <code>stead operator add NAME</code>.</p>"));
  }

  // --- pages -------------------------------------------------------------------------

  private Map<String, Integer> counts() {
    Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);
    int drifting = 0;
    List<NodeInfo> nodes = store.nodes();
    for (NodeInfo node : nodes) {
      byState.merge(NodeState.of(node), 1, Integer::sum);
      drifting += node.getLastDriftEvents() > 0 ? 1 : 0;
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    out.put("total", nodes.size());
    for (NodeState s : NodeState.values()) {
      out.put(s.label(), byState.getOrDefault(s, 0));
    }
    out.put("drifting", drifting);
    return out;
  }

  private String summaryJson() {
    StringBuilder json = new StringBuilder("{");
    counts().forEach((k, v) -> json.append('"').append(k).append("\":").append(v).append(','));
    return json.append("\"updated\":\"").append(Instant.ofEpochMilli(clock.millis()))
        .append("\"}").toString();
  }

  private String overview() {
    long now = clock.millis();
    StringBuilder body = new StringBuilder("<h1>Fleet</h1><div class=\"cards\">");
    counts().forEach((k, v) -> body.append("<div class=\"card\">").append(Html.esc(k))
        .append("<b id=\"count-").append(k).append("\">").append(v).append("</b></div>"));
    body.append("</div><p>Updated <span id=\"updated\">")
        .append(Instant.ofEpochMilli(now)).append("</span></p>");

    List<CompliancePoint> points = compliance.compute(ComplianceRequest.newBuilder()
        .setSinceMs(Math.max(0, now - 24 * HOUR)).setUntilMs(now).setStepMs(HOUR).build())
        .getPointsList();
    // One series per class plus the fleet (""), from the same computation as
    // `stead compliance --class`; the newest point of each also goes into the table.
    Map<String, List<Double>> series = new TreeMap<>();
    Map<String, CompliancePoint> latest = new TreeMap<>();
    for (CompliancePoint p : points) {
      series.computeIfAbsent(p.getKlass(), k -> new ArrayList<>())
          .add(p.getNodes() == 0 ? Double.NaN : (double) p.getInSync() / p.getNodes());
      latest.put(p.getKlass(), p);
    }
    series.putIfAbsent("", List.of());
    List<ChangeRecord> drift = changes.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .setSinceMs(Math.max(0, now - 24 * HOUR)).build()).getChangesList();
    List<Integer> perHour = new ArrayList<>();
    for (int h = 23; h >= 0; h--) {
      long from = now - (h + 1) * HOUR;
      long to = now - h * HOUR;
      perHour.add((int) drift.stream().filter(c -> c.getTimeMs() > from && c.getTimeMs() <= to)
          .count());
    }
    body.append("<h2>Compliance, last 24 hours</h2>")
        .append(Charts.lines("compliance-chart", "Share of nodes in sync, fleet and per class",
            series, 0, "24 h ago"))
        .append("<table id=\"class-compliance\"><tr><th>class</th><th>nodes</th>"
            + "<th>in sync</th><th>share</th></tr>");
    latest.forEach((klass, p) -> body.append("<tr><td>")
        .append(klass.isEmpty() ? "<b>fleet</b>" : Html.esc(klass)).append("</td><td>")
        .append(p.getNodes()).append("</td><td>").append(p.getInSync()).append("</td><td>")
        .append(p.getNodes() == 0 ? "-" : Math.round(100.0 * p.getInSync() / p.getNodes()) + "%")
        .append("</td></tr>"));
    body.append("</table>")
        .append("<h2>Drift events per hour, last 24 hours</h2>")
        .append(Charts.bars("drift-chart", "Drift events per hour", perHour, "24 h ago"));

    Map<String, Integer> top = new HashMap<>();
    List<ChangeRecord> week = changes.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .setSinceMs(Math.max(0, now - 7 * 24 * HOUR)).build()).getChangesList();
    week.forEach(c -> top.merge(c.getResource(), 1, Integer::sum));
    body.append("<h2>Top drifting resources, last 7 days</h2><table id=\"top-drift\">"
        + "<tr><th>resource</th><th>drift events</th></tr>");
    top.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(10)
        .forEach(e -> body.append("<tr><td>").append(Html.esc(e.getKey())).append("</td><td>")
            .append(e.getValue()).append("</td></tr>"));
    body.append("</table><h2>Nodes</h2><table id=\"nodes\"><tr><th>node</th><th>status</th>"
        + "<th>mode</th><th>environment</th><th>last run</th><th>drift</th><th>last report</th>"
        + "<th>code</th></tr>");
    for (NodeInfo node : classifications.describeAll()) {
      body.append("<tr><td>").append(Html.nodeLink(node.getName())).append("</td><td>")
          .append(Html.status(StatusWords.of(node))).append("</td><td>")
          .append(modeWord(node)).append("</td><td>")
          .append(Html.esc(node.getEnvironment())).append("</td><td>")
          .append(Html.time(node.getLastReportMs()))
          .append("</td><td>").append(node.getLastDriftEvents()).append("</td><td>")
          .append(Html.reportLink(node.getLastReportId())).append("</td><td>")
          .append(Html.value(node.getCodeVersion())).append("</td></tr>");
    }
    body.append("</table>");
    return Html.page("Fleet", body.toString());
  }

  private String node(String name, Caller caller, String done) {
    NodeInfo info = classifications.describe(
        store.node(name).orElseThrow(() -> new NotFound("no node '" + name + "'")));
    StringBuilder body = new StringBuilder("<h1 id=\"node-name\">")
        .append(Html.esc(info.getName())).append("</h1><p>Status <b id=\"node-status\">")
        .append(Html.status(StatusWords.of(info))).append("</b>, mode <b id=\"node-mode\">")
        .append(modeWord(info)).append("</b>, environment <b id=\"node-environment\">")
        .append(Html.esc(info.getEnvironment())).append("</b>, last report ")
        .append(Html.reportLink(info.getLastReportId())).append(", code ")
        .append(Html.value(info.getCodeVersion())).append(", catalog ")
        .append(Html.value(info.getCatalogDigest())).append("</p><h2>Recent runs</h2>"
            + "<table id=\"runs\"><tr><th>time</th><th>status</th><th>changed</th>"
            + "<th>drift</th><th>report</th></tr>");
    for (Report r : store.queryReports(ReportQuery.all().withNode(name), 20)) {
      body.append("<tr><td>").append(Html.time(r.getStartedAtMs())).append("</td><td>")
          .append(Html.status(StatusWords.of(r))).append(r.getNoop() ? " (noop)" : "")
          .append(r.getTrigger() == RunTrigger.WATCH
              ? " <span class=\"muted\">(watch)</span>" : "")
          .append("</td><td>").append(r.getSummary().getChanged()).append("</td><td>")
          .append(r.getSummary().getDriftEvents()).append("</td><td>")
          .append(Html.reportLink(r.getId())).append("</td></tr>");
    }
    ReviewPage decisions = reviewOf(name, caller);
    body.append("</table><h2 id=\"review-heading\">Drift awaiting a decision</h2>")
        .append(doneMessage(done)).append(decisions.reviewTable());
    if (!decisions.active().isEmpty()) {
      body.append("<h3>Exceptions in force</h3>").append(decisions.exceptionsTable());
    }
    body.append("<h2>Drift history</h2><table id=\"drift-history\" class=\"wide\">"
        + "<colgroup><col class=\"time\"><col class=\"resource\"><col class=\"property\">"
        + "<col><col><col class=\"report\"></colgroup><tr><th>time</th><th>resource</th>"
        + "<th>property</th><th>before</th><th>after</th><th>report</th></tr>");
    for (ChangeRecord c : changes.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .setNodeGlob(name).setLimit(200).build())
        .getChangesList()) {
      if (!c.getNode().equals(name)) {
        continue;
      }
      body.append("<tr><td>").append(Html.time(c.getTimeMs())).append("</td><td>")
          .append(Html.esc(c.getResource())).append("</td><td>").append(Html.esc(c.getProperty()))
          .append(c.getNoop() ? " <span class=\"muted\">(pending)</span>" : "")
          .append("</td><td>").append(Html.value(c.getBefore())).append("</td><td>")
          .append(Html.value(c.getAfter())).append("</td><td>")
          .append(Html.reportLink(c.getReportId())).append("</td></tr>");
    }
    body.append("</table><h2>Facts</h2>")
        .append(FactsTable.html(store.facts(name).orElse(Facts.getDefaultInstance())));
    return Html.page(name, body.toString());
  }

  /** The drift awaiting a decision on {@code node}, or on every node when it is empty. */
  private ReviewPage reviewOf(String node, Caller caller) {
    // A node's name as a glob reads only that node's reports (certnames have no wildcards;
    // the exact match below keeps it so regardless).
    List<DriftReviewItem> items = review.review(ReviewDriftRequest.newBuilder()
        .setNodeGlob(node).setIncludeExcepted(true).build()).getItemsList().stream()
        .filter(i -> node.isEmpty() || i.getNode().equals(node)).toList();
    List<DriftException> active = exceptions.list(0).stream()
        .filter(e -> node.isEmpty() || e.getNode().equals(node)).toList();
    return new ReviewPage(items, active, guard.field(caller.binding()), caller.name(), node);
  }

  private String reviewPage(Caller caller, String done, String error) {
    ReviewPage page = reviewOf("", caller);
    StringBuilder body = new StringBuilder("<h1>Drift review</h1>");
    if (!error.isEmpty()) {
      body.append("<p id=\"decision-error\" class=\"drift\">Nothing was changed: ")
          .append(Html.esc(error)).append("</p>");
    }
    body.append(doneMessage(done))
        .append("<p class=\"muted\">What each node's newest run left out of sync. Left alone,"
            + " drift is <b>remediated</b>: the next enforcing run repairs it. <b>Except</b> "
            + "holds enforcement of one property back until a set time (reason, owner and "
            + "expiry required; the same rules as <code>stead drift except</code>). "
            + "<b>Accept</b> says the observed value is right: the master answers the code "
            + "change that makes it intended, for you to apply (as "
            + "<code>stead drift accept</code>).</p>")
        .append(page.reviewTable())
        .append("<h2>Exceptions in force</h2>").append(page.exceptionsTable())
        .append("<p class=\"muted\">Every decision is recorded with your login and appears "
            + "in <code>stead audit</code>.</p>");
    return Html.page("Drift review", body.toString());
  }

  /** What the decision just made did, said after the redirect that follows it. */
  private String doneMessage(String id) {
    if (id.isEmpty()) {
      return "";
    }
    Optional<DriftException> found = store.exceptions("").stream()
        .filter(e -> e.getId().equals(id)).findFirst();
    if (found.isEmpty()) {
      return "";
    }
    DriftException e = found.get();
    String what = Html.esc(e.getNode()) + " " + Html.esc(e.getResource()) + " "
        + Html.esc(e.getProperty());
    return "<p id=\"decision-done\" class=\"intended\">" + (e.getLiftedAtMs() != 0
        ? "Lifted " + Html.esc(e.getId()) + ": " + what + " is enforced again from the "
            + "node's next run."
        : "Excepted " + Html.esc(e.getId()) + ": " + what + " until "
            + Html.time(e.getExpiresAtMs()) + "; the node holds it back from its next run.")
        + "</p>";
  }

  // --- decisions -----------------------------------------------------------------------

  private String previewPage(Caller caller, String error) {
    if (previews == null) {
      throw new NotFound("previews are not available on this dashboard");
    }
    java.util.SortedSet<String> environments = new java.util.TreeSet<>(List.of(
        dev.stead.master.code.Environments.PRODUCTION));
    classifications.describeAll().forEach(n -> environments.add(n.getEnvironment()));
    return new PreviewPage(previews.latest(), List.copyOf(environments),
        guard.field(caller.binding()), error).html();
  }

  /** A POST of the preview form: checked as a decision is, then started in the background. */
  private void startPreview(HttpExchange exchange, Caller caller) throws IOException {
    if (previews == null) {
      throw new NotFound("previews are not available on this dashboard");
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      send(exchange, 405, "text/html", Html.page("Not allowed",
          "<p>A preview is started with the form on the <a href=\"/preview\">preview page</a>."
              + "</p>"));
      return;
    }
    byte[] raw = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    Map<String, String> form = params(new String(raw, StandardCharsets.US_ASCII));
    Optional<String> refused = raw.length > MAX_FORM_BYTES ? Optional.of("a form too large")
        : guard.refusal(exchange.getRequestHeaders(), caller.binding(),
            form.getOrDefault(FormGuard.FIELD, ""));
    if (refused.isPresent()) {
      LOG.warning("dashboard: refused a preview by '" + LogText.quote(caller.name())
          + "' from " + exchange.getRemoteAddress().getAddress().getHostAddress() + ": "
          + refused.get());
      send(exchange, 403, "text/html", Html.page("Refused", "<h1>Refused</h1>"
          + "<p id=\"refused\">This form did not come from this dashboard's page in your "
          + "browser, so no preview was started. Open the <a href=\"/preview\">preview "
          + "page</a> again and start it there.</p>"));
      return;
    }
    try {
      previews.start(dev.stead.master.preview.PreviewTarget.environment(
          form.getOrDefault("environment", "")), caller.name());
    } catch (IllegalArgumentException | IllegalStateException e) {
      send(exchange, e instanceof IllegalArgumentException ? 400 : 409, "text/html",
          previewPage(caller, e.getMessage()));
      return;
    }
    LOG.info("dashboard: preview of environment '" + LogText.quote(form.get("environment"))
        + "' started by '" + LogText.quote(caller.name()) + "'");
    redirect(exchange, PreviewPage.PATH);
  }

  /**
   * A POST of an except, lift or accept form: checked, then decided through DriftExceptions
   * (redirected back) or DriftAccept (answered with the code change).
   */
  private void decide(HttpExchange exchange, Caller caller, String path) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      send(exchange, 405, "text/html", Html.page("Not allowed",
          "<p>Decisions are made with the forms on the drift review page.</p>"));
      return;
    }
    byte[] raw = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    if (raw.length > MAX_FORM_BYTES) {
      send(exchange, 413, "text/html", Html.page("Too large",
          "<p>That form is larger than any of the dashboard's.</p>"));
      return;
    }
    Map<String, String> form = params(new String(raw, StandardCharsets.US_ASCII));
    Optional<String> refused = guard.refusal(exchange.getRequestHeaders(), caller.binding(),
        form.getOrDefault(FormGuard.FIELD, ""));
    if (refused.isPresent()) {
      LOG.warning("dashboard: refused a decision by '" + LogText.quote(caller.name())
          + "' from " + exchange.getRemoteAddress().getAddress().getHostAddress() + ": "
          + refused.get());
      send(exchange, 403, "text/html", Html.page("Refused", "<h1>Refused</h1>"
          + "<p id=\"refused\">This form did not come from this dashboard's page in your "
          + "browser, so nothing was changed. Open the <a href=\"/review\">drift review</a> "
          + "again and decide there.</p>"));
      return;
    }
    if (path.equals(ReviewPage.ACCEPT)) {
      accept(exchange, caller, form);
      return;
    }
    DriftException decided;
    try {
      if (path.equals(ReviewPage.EXCEPT)) {
        String expires = form.getOrDefault("expires", "").strip();
        decided = exceptions.grant(ExceptDriftRequest.newBuilder()
            .setNode(form.getOrDefault("node", "")).setResource(form.getOrDefault("resource", ""))
            .setProperty(form.getOrDefault("property", ""))
            .setReason(form.getOrDefault("reason", "")).setOwner(form.getOrDefault("owner", ""))
            .setExpiresAtMs(expires.isEmpty() ? 0
                : Expiries.parse(expires, "expiry", clock.millis()))
            .build(), caller.name());
        LOG.info("drift exception " + decided.getId() + " granted by "
            + LogText.quote(caller.name()) + " on the dashboard: " + decided.getNode() + " "
            + decided.getResource() + " " + decided.getProperty() + " until "
            + Instant.ofEpochMilli(decided.getExpiresAtMs()));
      } else {
        decided = exceptions.lift(form.getOrDefault("id", ""), caller.name());
        LOG.info("drift exception " + decided.getId() + " lifted by "
            + LogText.quote(caller.name()) + " on the dashboard: " + decided.getNode() + " "
            + decided.getResource() + " " + decided.getProperty());
      }
    } catch (IllegalArgumentException | NoSuchElementException e) {
      send(exchange, e instanceof IllegalArgumentException ? 400 : 404, "text/html",
          reviewPage(caller, "", e.getMessage()));
      return;
    }
    String back = form.getOrDefault("back", "");
    redirect(exchange, (back.isEmpty() ? "/review?" : "/node?name=" + Html.url(back) + "&")
        + "done=" + Html.url(decided.getId()) + (back.isEmpty() ? "" : "#review-heading"));
  }

  /**
   * Accepts as {@code stead drift accept} does and shows the code change. A refusal (no
   * drift, a secret) gets the command line's message and records nothing.
   */
  private void accept(HttpExchange exchange, Caller caller, Map<String, String> form)
      throws IOException {
    AcceptDriftResponse accepted;
    try {
      accepted = accept.accept(AcceptDriftRequest.newBuilder()
          .setNode(form.getOrDefault("node", "")).setResource(form.getOrDefault("resource", ""))
          .setProperty(form.getOrDefault("property", ""))
          .setReason(form.getOrDefault("reason", "")).build(), caller.name());
    } catch (IllegalArgumentException | NoSuchElementException
        | DriftAccept.Refused e) {
      int code = e instanceof IllegalArgumentException ? 400
          : e instanceof DriftAccept.Refused ? 409 : 404;
      send(exchange, code, "text/html", reviewPage(caller, "", e.getMessage()));
      return;
    }
    LOG.info("drift accepted by " + LogText.quote(caller.name()) + " on the dashboard: "
        + accepted.getNode() + " " + accepted.getResource() + " " + accepted.getProperty()
        + (accepted.getDataKey().isEmpty() ? "" : " (data key " + accepted.getDataKey()
            + " in " + accepted.getDataFile() + ")"));
    send(exchange, 200, "text/html", new AcceptPage(accepted, form.getOrDefault("back", ""))
        .html());
  }

  private String report(String id) {
    Report report = store.report(id).map(Redactor::report)
        .orElseThrow(() -> new NotFound("no report '" + id + "'"));
    ReportSummary s = report.getSummary();
    StringBuilder body = new StringBuilder("<h1>Report <span id=\"report-id\">")
        .append(Html.esc(report.getId())).append("</span></h1><table id=\"report-facts\">")
        .append("<tr><th>node</th><td>").append(Html.nodeLink(report.getNode()))
        .append("</td></tr><tr><th>started</th><td>").append(Html.time(report.getStartedAtMs()))
        .append(report.getNoop() ? " (noop: nothing was changed)" : "")
        .append("</td></tr><tr><th>status</th><td id=\"report-status\">")
        .append(Html.status(StatusWords.of(report))).append("</td></tr>");
    if (!report.getCachedReason().isEmpty()) {
      body.append("<tr><th>cached catalog</th><td>").append(Html.esc(report.getCachedReason()))
          .append("</td></tr>");
    }
    for (String error : report.getCompileErrorsList()) {
      body.append("<tr><th>compile error</th><td class=\"drift\">").append(Html.esc(error))
          .append("</td></tr>");
    }
    body.append("<tr><th>code</th><td>").append(Html.value(report.getCodeVersion()))
        .append("</td></tr><tr><th>catalog</th><td>").append(Html.value(report.getCatalogDigest()))
        .append("</td></tr><tr><th>summary</th><td>").append(s.getResources())
        .append(" resources: ").append(s.getChanged()).append(" changed, ")
        .append(s.getOutOfSync()).append(" out of sync, ").append(s.getFailed())
        .append(" failed, ").append(s.getSkipped()).append(" skipped; ")
        .append(s.getDriftEvents()).append(" drift, ").append(s.getIntendedEvents())
        .append(" intended</td></tr></table>");
    if (!report.getError().isEmpty()) {
      body.append("<p class=\"drift\">").append(Html.esc(report.getError())).append("</p>");
    }
    for (ResourceResult resource : report.getResourcesList()) {
      body.append("<h3 class=\"resource\">").append(Html.esc(resource.getKey()))
          .append(" <span class=\"resource-status\">")
          .append(Html.status(StatusWords.of(resource.getStatus()))).append("</span></h3>");
      if (!resource.getMessage().isEmpty()) {
        body.append("<p>").append(Html.esc(resource.getMessage())).append("</p>");
      }
      for (Event event : resource.getEventsList()) {
        String kind = StatusWords.of(event.getKind());
        body.append("<p class=\"event ").append(kind).append("\">").append(kind).append(": ")
            .append(Html.esc(event.getProperty())).append(" ")
            .append(Html.value(event.getBefore())).append(" → ")
            .append(Html.value(event.getAfter())).append(" <span class=\"muted\">(")
            .append(StatusWords.of(event.getStatus())).append(")</span>");
        if (!event.getMessage().isEmpty()) {
          body.append(" ").append(Html.esc(event.getMessage()));
        }
        body.append("</p>");
        if (!event.getDiff().isEmpty()) {
          body.append("<pre class=\"diff\">").append(Html.esc(event.getDiff())).append("</pre>");
        }
      }
    }
    return Html.page("Report " + id, body.toString());
  }

  // --- plumbing ------------------------------------------------------------------------

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      try {
        out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      } catch (IllegalArgumentException e) {
        // A malformed escape: ignore that parameter.
      }
    }
    return out;
  }

  private static void redirect(HttpExchange exchange, String to) throws IOException {
    finishReading(exchange);
    exchange.getResponseHeaders().set("Location", to);
    exchange.sendResponseHeaders(303, -1);
  }

  /**
   * Reads what the handler left of the request body, before the response goes out. The JDK
   * server would read it after the response, when a client that keeps the connection may
   * already have sent its next request: over TLS that read can take the next request into the
   * server's own buffer, where it never looks, and the request waits unanswered until the
   * connection is closed as idle, 30 to 40 s later (a login after a refused form did). A rest
   * longer than any form of ours is left unread, and the connection closes after the answer.
   */
  private static void finishReading(HttpExchange exchange) throws IOException {
    InputStream body = exchange.getRequestBody();
    if (body.readNBytes(MAX_FORM_BYTES).length == MAX_FORM_BYTES && body.read() != -1) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  /**
   * On every response, redirects and refusals included. Scripts only from the dashboard's
   * own files, never inline, so injected markup could not run one even if escaping failed.
   */
  static void securityHeaders(com.sun.net.httpserver.Headers headers) {
    headers.set("Cache-Control", "no-store");
    headers.set("X-Frame-Options", "DENY");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Strict-Transport-Security", "max-age=31536000");
    headers.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
        + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'self'");
  }

  private static void send(HttpExchange exchange, int code, String type, String text)
      throws IOException {
    finishReading(exchange);
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
