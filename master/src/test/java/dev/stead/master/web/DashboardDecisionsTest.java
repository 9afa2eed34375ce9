package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.fleet.ChangeLog;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.fleet.DriftExceptions;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's decisions on drift over real HTTPS, as a forging page or a script would
 * send them: a POST without the caller's form token, with a wrong one, with another
 * operator's, or from another origin is refused with 403 and changes nothing; one from the
 * review page's form is decided as {@code stead drift except} (or {@code accept}) decides,
 * and audited with the operator's login.
 */
class DashboardDecisionsTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String NODE = "web1.test";
  private static final String MOTD = "file[/etc/motd]";
  private static final String KEY = "file[/etc/app.key]";
  private static final String DATA = "motd::mode: '0644'\n";
  private static final Pattern TOKEN =
      Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");

  @TempDir Path data;
  @TempDir Path code;
  private CertificateAuthority ca;
  private RocksStore store;
  private Dashboard dashboard;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.loadOrCreate(data.resolve("ca"));
    ServerCredentials server = ServerCredentials.loadOrCreate(data.resolve("ca"), ca,
        "127.0.0.1");
    store = RocksStore.open(data.resolve("db"));
    Files.createDirectories(code.resolve("data"));
    Files.writeString(code.resolve("data/common.yaml"), DATA);
    store.putNode(NodeInfo.newBuilder().setName(NODE).build());
    // The motd's mode comes from data, its owner from site.groovy; the key is a secret.
    store.putCatalog(NODE, Catalogs.seal(Catalog.newBuilder().setNode(NODE)
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")
            .setSource(SourceLocation.newBuilder().setFile("site.groovy").setLine(3))
            .putParameters("content", Value.newBuilder().setStringValue("hello\n").build())
            .putParameters("mode", Value.newBuilder().setStringValue("0644").build())
            .putParameters("owner", Value.newBuilder().setStringValue("root").build())
            .addOrigins(ParameterOrigin.newBuilder().setParameter("mode")
                .setKey("motd::mode").setFile("data/common.yaml").setLine(1)))
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/app.key")
            .putParameters("content", Value.newBuilder().setSecretValue(
                SecretRef.newBuilder().setKeyId("k").setKeyedHash("h")).build()))
        .build()));
    // An audit run saw the motd drift and left it pending: it awaits a decision.
    store.addReport(Report.newBuilder().setId("r-audit").setNode(NODE).setNoop(true)
        .setStartedAtMs(System.currentTimeMillis() - 60_000).setStatus(RunStatus.UNCHANGED)
        .setSummary(ReportSummary.newBuilder().setResources(1).setOutOfSync(1)
            .setDriftEvents(1))
        .addResources(ResourceResult.newBuilder().setKey(MOTD)
            .setStatus(ResourceStatus.WOULD_CHANGE).addEvents(Event.newBuilder()
                .setProperty("content").setKind(ChangeKind.DRIFT).setStatus(EventStatus.NOOP)
                .setBefore("sha256:" + "aa".repeat(32)).setAfter("sha256:" + "bb".repeat(32)))
            .addEvents(Event.newBuilder().setProperty("mode").setKind(ChangeKind.DRIFT)
                .setStatus(EventStatus.NOOP).setBefore("0600").setAfter("0644"))
            .addEvents(Event.newBuilder().setProperty("owner").setKind(ChangeKind.DRIFT)
                .setStatus(EventStatus.NOOP).setBefore("<i>www</i>").setAfter("root")))
        .addResources(ResourceResult.newBuilder().setKey(KEY)
            .setStatus(ResourceStatus.WOULD_CHANGE).addEvents(Event.newBuilder()
                .setProperty("content").setKind(ChangeKind.DRIFT).setStatus(EventStatus.NOOP)
                .setSensitive(true).setBefore("[redacted]").setAfter("[redacted]")))
        .build());
    new Nodes(store).reported(NODE);
    OperatorPasswords operators = new OperatorPasswords(data);
    operators.put("alice", PASSWORD.toCharArray());
    operators.put("bob", PASSWORD.toCharArray());
    dashboard = Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(),
        ca.certificate(), store, operators,
        new DriftAccept(store, Clock.systemUTC(), List.of(code)), Clock.systemUTC());
    client = HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterEach
  void stop() {
    dashboard.close();
    store.close();
  }

  @Test
  void aForgedOrCrossSitePostIsRefusedAndChangesNothing() throws Exception {
    String alice = logIn("alice");
    String bob = logIn("bob");
    String aliceToken = token(alice);
    String bobToken = token(bob);
    assertThat(aliceToken).isNotEqualTo(bobToken);
    Map<String, String> except = exceptForm();

    assertThat(post("/review/except", alice, except, Map.of()).statusCode())
        .as("no token").isEqualTo(403);
    assertThat(post("/review/except", alice, with(except, "csrf", "AAAA" + aliceToken),
        Map.of()).statusCode()).as("a wrong token").isEqualTo(403);
    assertThat(post("/review/except", alice, with(except, "csrf", bobToken), Map.of())
        .statusCode()).as("another session's token").isEqualTo(403);
    HttpResponse<String> crossSite = post("/review/except", alice,
        with(except, "csrf", aliceToken), Map.of("Origin", "https://evil.example"));
    assertThat(crossSite.statusCode()).as("another origin, even with the token").isEqualTo(403);
    assertThat(crossSite.body()).contains("nothing was changed");
    assertThat(post("/review/except", alice, with(except, "csrf", aliceToken),
        Map.of("Referer", "https://evil.example/page")).statusCode())
        .as("a referring page on another site").isEqualTo(403);
    assertThat(post("/review/except", alice, with(except, "csrf", aliceToken),
        Map.of("Origin", "null")).statusCode()).as("an opaque origin").isEqualTo(403);
    assertThat(store.exceptions("")).as("nothing was stored").isEmpty();
    assertThat(audit()).isEmpty();
    assertThat(get("/review/except", alice).statusCode()).isEqualTo(405);

    // The same form with the token, from the dashboard's own origin: decided.
    HttpResponse<String> granted = post("/review/except", alice,
        with(except, "csrf", aliceToken), Map.of("Origin", base()));
    assertThat(granted.statusCode()).isEqualTo(303);
    DriftException stored = store.exceptions(NODE).get(0);
    assertThat(granted.headers().firstValue("Location")).hasValue("/review?done="
        + stored.getId());
    assertThat(stored.getDecidedBy()).isEqualTo("alice");
    assertThat(stored.getReason()).isEqualTo("INC-7: vendor hotfix");

    // Lifting is guarded the same way.
    Map<String, String> lift = Map.of("id", stored.getId());
    assertThat(post("/review/lift", bob, lift, Map.of()).statusCode()).isEqualTo(403);
    assertThat(post("/review/lift", bob, with(lift, "csrf", aliceToken), Map.of())
        .statusCode()).isEqualTo(403);
    assertThat(store.exceptions(NODE).get(0).getLiftedAtMs()).isZero();
    assertThat(post("/review/lift", bob, with(lift, "csrf", bobToken), Map.of()).statusCode())
        .isEqualTo(303);
    assertThat(store.exceptions(NODE).get(0).getLiftedBy()).isEqualTo("bob");

    // Both decisions are rows of `stead audit`, with the operators' logins as actors.
    assertThat(audit()).extracting(ChangeRecord::getDecision, ChangeRecord::getActor)
        .containsExactly(Tuple.tuple("lift", "bob"),
            Tuple.tuple("except", "alice"));
  }

  @Test
  void badInputGetsTheCommandLinesMessageAndStoresNothing() throws Exception {
    String alice = logIn("alice");
    String token = token(alice);

    HttpResponse<String> noReason = post("/review/except", alice,
        with(with(exceptForm(), "reason", " "), "csrf", token), Map.of());
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.body()).contains("Nothing was changed: an exception needs a reason");
    HttpResponse<String> noExpiry = post("/review/except", alice,
        with(with(exceptForm(), "expires", ""), "csrf", token), Map.of());
    assertThat(noExpiry.statusCode()).isEqualTo(400);
    assertThat(noExpiry.body()).contains("an exception needs an expiry");
    HttpResponse<String> badExpiry = post("/review/except", alice,
        with(with(exceptForm(), "expires", "next week"), "csrf", token), Map.of());
    assertThat(badExpiry.statusCode()).isEqualTo(400);
    assertThat(badExpiry.body()).contains("is neither a duration");
    HttpResponse<String> tooFar = post("/review/except", alice,
        with(with(exceptForm(), "expires", "400d"), "csrf", token), Map.of());
    assertThat(tooFar.statusCode()).isEqualTo(400);
    assertThat(tooFar.body()).contains("more than 366 days ahead");
    HttpResponse<String> unknown = post("/review/except", alice,
        with(with(exceptForm(), "property", "colour"), "csrf", token), Map.of());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("has no property &#39;colour&#39;");
    HttpResponse<String> noSuchException = post("/review/lift", alice,
        Map.of("id", "ex-000000000000", "csrf", token), Map.of());
    assertThat(noSuchException.statusCode()).isEqualTo(404);
    assertThat(store.exceptions("")).isEmpty();
  }

  @Test
  void acceptNeedsTheTokenAndAnswersThePatchAuditedWithTheLogin() throws Exception {
    String alice = logIn("alice");
    String token = token(alice);
    Map<String, String> accept = acceptForm("mode");

    assertThat(post("/review/accept", alice, accept, Map.of()).statusCode())
        .as("no token").isEqualTo(403);
    assertThat(post("/review/accept", alice, with(accept, "csrf", token),
        Map.of("Origin", "https://evil.example")).statusCode()).as("another origin")
        .isEqualTo(403);
    assertThat(get("/review/accept", alice).statusCode()).isEqualTo(405);
    assertThat(audit()).as("nothing audited").isEmpty();

    HttpResponse<String> accepted = post("/review/accept", alice, with(accept, "csrf", token),
        Map.of("Origin", base()));
    assertThat(accepted.statusCode()).isEqualTo(200);
    String patch = """
        diff --git a/data/common.yaml b/data/common.yaml
        --- a/data/common.yaml
        +++ b/data/common.yaml
        @@ -1,1 +1,1 @@
        -motd::mode: '0644'
        +motd::mode: '0600'
        """;
    assertThat(accepted.body())
        .contains("<pre id=\"accept-change\" class=\"diff\">" + esc(patch) + "</pre>")
        .contains("data key <code>motd::mode</code> in <code>data/common.yaml:1</code>")
        .contains("git apply").contains("The master never writes the code");
    // The download link holds the same patch, whole.
    Matcher href = Pattern.compile("id=\"accept-download\" download=\"([^\"]+)\" "
        + "href=\"data:text/plain;charset=utf-8,([^\"]*)\"").matcher(accepted.body());
    assertThat(href.find()).isTrue();
    assertThat(href.group(1)).isEqualTo("accept-web1.test-mode.patch");
    assertThat(URLDecoder.decode(href.group(2), StandardCharsets.UTF_8)).isEqualTo(patch);
    assertThat(code.resolve("data/common.yaml")).as("the code is not written").hasContent(
        DATA.strip());
    assertThat(audit()).singleElement().satisfies(d -> {
      assertThat(d.getDecision()).isEqualTo("accept");
      assertThat(d.getActor()).isEqualTo("alice");
      assertThat(d.getReason()).isEqualTo("0600 on purpose: INC-9");
      assertThat(d.getResource() + " " + d.getProperty()).isEqualTo(MOTD + " mode");
      assertThat(d.getDiff()).isEqualTo(patch);
    });

    // A value set in code: a snippet naming file:line, its markup escaped.
    HttpResponse<String> snippet = post("/review/accept", alice,
        with(acceptForm("owner"), "csrf", token), Map.of());
    assertThat(snippet.statusCode()).isEqualTo(200);
    assertThat(snippet.body()).contains("# site.groovy:3: in file[/etc/motd], set owner")
        .contains("owner: &#39;&lt;i&gt;www&lt;/i&gt;&#39;").doesNotContain("<i>www");
  }

  @Test
  void acceptingASecretOrWhatDidNotDriftIsRefusedWithTheCommandLinesMessage() throws Exception {
    String alice = logIn("alice");
    String token = token(alice);

    HttpResponse<String> secret = post("/review/accept", alice,
        with(with(acceptForm("content"), "resource", KEY), "csrf", token), Map.of());
    assertThat(secret.statusCode()).isEqualTo(409);
    assertThat(secret.body()).contains("Nothing was changed: the value of " + KEY
        + " content on &#39;web1.test&#39; is secret: accept never writes a secret out");
    HttpResponse<String> noDrift = post("/review/accept", alice,
        with(acceptForm("group"), "csrf", token), Map.of());
    assertThat(noDrift.statusCode()).isEqualTo(409);
    assertThat(noDrift.body()).contains("shows no drift in the newest run (report r-audit)");
    HttpResponse<String> unknown = post("/review/accept", alice,
        with(with(acceptForm("mode"), "node", "ghost.test"), "csrf", token), Map.of());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("unknown node &#39;ghost.test&#39;");
    assertThat(audit()).isEmpty();
  }

  // --- plumbing ------------------------------------------------------------------------

  private static Map<String, String> acceptForm(String property) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("node", NODE);
    form.put("resource", MOTD);
    form.put("property", property);
    form.put("reason", "0600 on purpose: INC-9");
    return form;
  }

  private static String esc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&#39;");
  }

  private static Map<String, String> exceptForm() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("node", NODE);
    form.put("resource", MOTD);
    form.put("property", "content");
    form.put("reason", "INC-7: vendor hotfix");
    form.put("owner", "alice");
    form.put("expires", "7d");
    return form;
  }

  private static Map<String, String> with(Map<String, String> form, String key, String value) {
    Map<String, String> out = new LinkedHashMap<>(form);
    out.put(key, value);
    return out;
  }

  private List<ChangeRecord> audit() {
    return new ChangeLog(store, new DriftExceptions(store, Clock.systemUTC()))
        .changes(ChangesRequest.newBuilder().setIncludeDecisions(true).build())
        .getChangesList().stream().filter(c -> c.getKind() == ChangeKind.DECISION).toList();
  }

  /** The form token the review page gives this session. */
  private String token(String cookie) throws Exception {
    HttpResponse<String> page = get("/review", cookie);
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher m = TOKEN.matcher(page.body());
    assertThat(m.find()).as("the review page carries a form token").isTrue();
    return m.group(1);
  }

  private String base() {
    return "https://127.0.0.1:" + dashboard.port();
  }

  private URI url(String path) {
    return URI.create(base() + path);
  }

  private String logIn(String name) throws Exception {
    HttpResponse<String> login = client.send(HttpRequest.newBuilder(url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("name", name,
            "password", PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring("stead_session=".length(), setCookie.indexOf(';'));
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path))
        .header("Cookie", "stead_session=" + cookie).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String cookie, Map<String, String> form,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
        .header("Cookie", "stead_session=" + cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
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
}
