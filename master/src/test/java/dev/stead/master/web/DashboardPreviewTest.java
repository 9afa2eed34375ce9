package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.CompileSlots;
import dev.stead.master.code.DslCatalogSource;
import dev.stead.master.code.Environments;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.preview.FleetPreview;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import java.net.URI;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's preview page over real HTTPS: behind the login, started only by the page's
 * own form, it previews the chosen environment's nodes (and no other) against the code that
 * environment serves now, and shows the summary and each changing node's diff, escaped.
 */
class DashboardPreviewTest {
  private static final String PASSWORD = "correct horse battery";
  private static final Pattern TOKEN =
      Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");
  private static final String SITE = """
      node('default') {
        file('/etc/motd') { content "hello ${trusted.certname}\\nWORD\\n" }
      }
      """;

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
    Path production = Files.createDirectories(code.resolve("environments/production"));
    Path staging = Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(production.resolve("site.groovy"), SITE.replace("WORD", "bye"));
    Files.writeString(staging.resolve("site.groovy"), SITE.replace("WORD", "<b>old</b>"));
    CompileSlots slots = CompileSlots.perCore();
    NodeClassifications classifications = new NodeClassifications(store, Clock.systemUTC());
    classifications.classify("stage1.test", Map.of("environment", "staging"), List.of(),
        "alice");
    // Each node ran what its environment served: its facts and catalog are stored.
    for (String node : List.of("web1.test", "stage1.test")) {
      String environment = node.startsWith("stage") ? "staging" : "production";
      Facts facts = Facts.newBuilder().build();
      store.putNode(NodeInfo.newBuilder().setName(node).build());
      store.putFacts(node, facts);
      CompileOutcome served = DslCatalogSource.load(
          code.resolve("environments").resolve(environment), environment, List.of(), slots,
          Compiler.DEFAULT_TIME_LIMIT).compile(node, facts);
      store.putCatalog(node, ((CompileOutcome.Compiled) served).catalog());
    }
    // Staging is deployed anew: its nodes have not run it yet.
    Files.writeString(staging.resolve("site.groovy"), SITE.replace("WORD", "<b>new</b>"));
    OperatorPasswords operators = new OperatorPasswords(data);
    operators.put("alice", PASSWORD.toCharArray());
    FleetPreview preview = new FleetPreview(store, store, classifications, slots, List.of(),
        Environments.of(code, List.of(), slots));
    dashboard = Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(),
        ca.certificate(), store, operators,
        new DriftAccept(store, Clock.systemUTC(), List.of(code)), Clock.systemUTC(), null,
        preview);
    client = HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterEach
  void stop() {
    dashboard.close();
    store.close();
  }

  @Test
  void anOperatorPreviewsAnEnvironmentAndSeesItsNodesChanges() throws Exception {
    assertThat(get("/preview", "").statusCode()).as("behind the login").isEqualTo(303);
    assertThat(post(Map.of("environment", "staging"), "forged").statusCode()).isEqualTo(303);
    String alice = logIn();
    HttpResponse<String> empty = get("/preview", alice);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).contains("id=\"preview-none\"")
        .contains("<option>production</option>").contains("<option>staging</option>");
    Matcher token = TOKEN.matcher(empty.body());
    assertThat(token.find()).isTrue();

    // Without the page's token, or from another site: refused, nothing runs.
    assertThat(post(Map.of("environment", "staging"), alice).statusCode()).isEqualTo(403);
    assertThat(post(Map.of("environment", "staging", "csrf", token.group(1)), alice,
        "Origin", "https://evil.example").statusCode()).isEqualTo(403);
    assertThat(get("/preview", alice).body()).contains("id=\"preview-none\"");
    HttpResponse<String> unknown = post(Map.of("environment", "qa", "csrf", token.group(1)),
        alice);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("id=\"preview-error\"")
        .contains("the master serves no environment &#39;qa&#39;");

    HttpResponse<String> started = post(Map.of("environment", "staging", "csrf",
        token.group(1)), alice);
    assertThat(started.statusCode()).isEqualTo(303);
    assertThat(started.headers().firstValue("Location")).contains("/preview");
    String page = get("/preview", alice).body();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (page.contains("running") && System.nanoTime() < deadline) {
      assertThat(page).contains("http-equiv=\"refresh\"");
      Thread.sleep(100);
      page = get("/preview", alice).body();
    }

    assertThat(page).contains("id=\"preview-state\">done</b>")
        .contains("Latest: the staging nodes against the code staging serves now")
        .doesNotContain("http-equiv=\"refresh\"");
    assertThat(page).contains("<table id=\"preview-summary\">").contains(
        "<tr><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td>");
    assertThat(page).contains("data-node=\"stage1.test\"")
        .contains("file[/etc/motd] content").contains("site.groovy:2")
        .contains("-&lt;b&gt;old&lt;/b&gt;\n+&lt;b&gt;new&lt;/b&gt;")
        .doesNotContain("<b>new</b>").doesNotContain("web1.test");
  }

  private String base() {
    return "https://127.0.0.1:" + dashboard.port();
  }

  private String logIn() throws Exception {
    HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base()
            + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("name", "alice",
            "password", PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring("stead_session=".length(), setCookie.indexOf(';'));
  }

  private HttpResponse<String> get(String path, String cookie) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Cookie", "stead_session=" + cookie).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(Map<String, String> form, String cookie, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/preview/run"))
        .header("Cookie", "stead_session=" + cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
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
