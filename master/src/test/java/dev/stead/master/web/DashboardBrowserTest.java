package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.Value;
import dev.stead.proto.v1.ValueMap;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium over real HTTPS: log in through the operator
 * login, and check that what the pages render equals what the store holds.
 */
class DashboardBrowserTest {
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String PASSWORD = "correct horse battery";
  private static final String CODE_VERSION = "sha256:" + "0123456789abcdef".repeat(4);

  @TempDir Path data;
  @TempDir Path code;
  private RocksStore store;
  private Nodes nodes;
  private Dashboard dashboard;
  private WebDriver browser;
  private String base;

  @BeforeEach
  void start() throws Exception {
    boolean installed = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    if (System.getenv("CI") != null && !installed) {
      // On CI a missing browser is a broken .ci/run, not a reason to skip.
      throw new AssertionError("needs Debian's chromium and chromium-driver: .ci/run must "
          + "install them");
    }
    assumeTrue(installed,
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(data.resolve("ca"));
    ServerCredentials server = ServerCredentials.loadOrCreate(data.resolve("ca"), ca, "127.0.0.1");
    store = RocksStore.open(data.resolve("db"));
    nodes = new Nodes(store);
    OperatorPasswords operators = new OperatorPasswords(data);
    operators.put("alice", PASSWORD.toCharArray());
    dashboard = Dashboard.start("127.0.0.1", 0, server.key(), server.certificate(),
        ca.certificate(), store, operators,
        new DriftAccept(store, Clock.systemUTC(), List.of(code)),
        Clock.systemUTC());
    base = "https://127.0.0.1:" + dashboard.port();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--disable-gpu", "--ignore-certificate-errors", "--window-size=1280,1400");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private void report(String id, String node, RunStatus status, Event... events) {
    report(id, node, 0, status, events);
  }

  private void report(String id, String node, long hoursAgo, RunStatus status,
      Event... events) {
    long now = System.currentTimeMillis() - hoursAgo * 3_600_000L;
    int drift = (int) Arrays.stream(events)
        .filter(e -> e.getKind() == ChangeKind.DRIFT).count();
    Report.Builder r = Report.newBuilder().setId(id).setNode(node).setStartedAtMs(now)
        .setStatus(status).setCodeVersion(CODE_VERSION)
        .setSummary(ReportSummary.newBuilder().setResources(4).setDriftEvents(drift)
            .setChanged(events.length > 0 ? 1 : 0).setOutOfSync(events.length > 0 ? 1 : 0)
            .setFailed(status == RunStatus.FAILED_RUN ? 1 : 0));
    if (events.length > 0) {
      r.addResources(ResourceResult.newBuilder().setKey("file[/etc/app.conf]")
          .setStatus(ResourceStatus.CHANGED).addAllEvents(List.of(events)));
    }
    if (store.node(node).isEmpty()) {
      store.putNode(NodeInfo.newBuilder().setName(node).build());
    }
    store.addReport(r.build());
    nodes.reported(node);
  }

  private static Event drift(String before) {
    return Event.newBuilder().setProperty("content").setKind(ChangeKind.DRIFT)
        .setStatus(EventStatus.APPLIED).setBefore(before).setAfter("sha256:bbbb").build();
  }

  private void classes(String node, String... names) {
    store.putCatalog(node, Catalog.newBuilder().setNode(node)
        .addAllClasses(List.of(names)).build());
  }

  // Clicks submit forms and follow links: the next page may not be there yet, so every
  // lookup waits for its element instead of racing the navigation.
  private String text(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> d.findElements(by).isEmpty() ? null : d.findElement(by)).getText();
  }

  @Test
  void anOperatorLogsInAndSeesTheFleetTheDriftAndTheDiffLive() throws Exception {
    // Classes come from each node's stored catalog, as for `stead compliance --class`.
    classes("web1.test", "base", "web");
    classes("web2.test", "base", "web");
    classes("db1.test", "base", "db");
    // A day of history, so the trend charts have lines and bars to show: all in sync until
    // web2 drifted 12 hours ago and db1 drifted 5 and 3 hours ago.
    for (String node : new String[] {"web1.test", "web2.test", "db1.test"}) {
      report("old-20-" + node, node, 20, RunStatus.UNCHANGED);
    }
    report("old-12-web2", "web2.test", 12, RunStatus.CHANGED_RUN, drift("sha256:0000"));
    report("old-11-web2", "web2.test", 11, RunStatus.UNCHANGED);
    report("old-5-db1", "db1.test", 5, RunStatus.CHANGED_RUN, drift("sha256:1111"),
        drift("sha256:2222"));
    report("old-3-db1", "db1.test", 3, RunStatus.CHANGED_RUN, drift("sha256:3333"));
    report("r-web1", "web1.test", RunStatus.CHANGED_RUN, Event.newBuilder()
        .setProperty("content").setKind(ChangeKind.DRIFT).setStatus(EventStatus.APPLIED)
        .setBefore("sha256:aaaa").setAfter("sha256:bbbb")
        .setDiff("--- /etc/app.conf\n+++ /etc/app.conf\n@@ -1,2 +1,2 @@\n-setting = off\n"
            + "+setting = on\n-password = hunter3\n+password = hunter2\n").build());
    report("r-web2", "web2.test", RunStatus.UNCHANGED);
    report("r-db1", "db1.test", RunStatus.FAILED_RUN);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

    browser.get(base + "/");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    browser.findElement(By.id("name")).sendKeys("alice");
    browser.findElement(By.id("password")).sendKeys("wrong password!");
    browser.findElement(By.id("login")).click();
    assertThat(text(By.id("login-error"))).contains("Wrong name or password");

    browser.findElement(By.id("name")).clear();
    browser.findElement(By.id("name")).sendKeys("alice");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login")).click();
    wait.until(d -> !d.findElements(By.id("count-total")).isEmpty());

    assertThat(text(By.id("count-total"))).isEqualTo(String.valueOf(store.nodes().size()));
    assertThat(text(By.id("count-changed"))).isEqualTo("1");
    assertThat(text(By.id("count-failed"))).isEqualTo("1");
    assertThat(text(By.id("count-unchanged"))).isEqualTo("1");
    assertThat(text(By.id("count-drifting"))).isEqualTo("1");
    assertThat(text(By.id("top-drift"))).contains("file[/etc/app.conf] 5");
    // The fleet's line and one per class; the table holds the newest point of each.
    assertThat(browser.findElements(By.cssSelector("#compliance-chart polyline")))
        .extracting(e -> e.getAttribute("data-series"))
        .containsExactly("", "base", "db", "web");
    assertThat(browser.findElements(By.cssSelector("#class-compliance tr")))
        .extracting(WebElement::getText)
        .containsExactly("class nodes in sync share", "fleet 3 1 33%", "base 3 1 33%",
            "db 1 0 0%", "web 2 1 50%");
    assertThat(browser.findElements(By.cssSelector("#drift-chart rect"))).hasSize(24);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "dashboard-overview.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);

    // Live: a new node reports; the counts change without a reload.
    report("r-web3", "web3.test", RunStatus.UNCHANGED);
    wait.until(d -> d.findElement(By.id("count-total")).getText().equals("4"));
    assertThat(text(By.id("count-unchanged"))).isEqualTo("2");

    browser.findElement(By.linkText("web1.test")).click();
    assertThat(text(By.id("node-name"))).isEqualTo("web1.test");
    assertThat(text(By.id("drift-history"))).contains("file[/etc/app.conf] content sha256:aaaa");
    browser.findElement(By.linkText("r-web1")).click();
    String diff = text(By.cssSelector("pre.diff"));
    assertThat(diff).contains("-setting = off").contains("+setting = on")
        .contains("password = [redacted]").doesNotContain("hunter");
    assertThat(text(By.cssSelector("p.event.drift"))).contains("drift: content");

    browser.get(base + "/logout");
    browser.get(base + "/");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value map(String k1, Value v1, String k2, Value v2) {
    return Value.newBuilder().setMapValue(ValueMap.newBuilder().putEntries(k1, v1)
        .putEntries(k2, v2)).build();
  }

  private void logIn() {
    browser.get(base + "/login");
    browser.findElement(By.id("name")).sendKeys("alice");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.id("count-total")).isEmpty());
  }

  @Test
  void aPersonReadsWordsSearchesFactsSeesFullDigestsAndFollowsReportIds() throws Exception {
    store.putFacts("web1.test", Facts.newBuilder()
        .putValues("os", map("family", text("Debian"),
            "release", map("full", text("12.5"), "major", text("12"))))
        .putValues("networking", map("fqdn", text("web1.test"),
            "ip", text("10.0.0.7")))
        .putValues("processors", Value.newBuilder().setMapValue(ValueMap.newBuilder()
            .putEntries("count", Value.newBuilder().setIntValue(2).build())).build())
        .putValues("db_password", text("hunter2"))
        .build());
    // A drifted value far wider than the page: one word of 400 characters.
    String wide = "x".repeat(400);
    report("r-old", "web1.test", 2, RunStatus.CHANGED_RUN, Event.newBuilder()
        .setProperty("content").setKind(ChangeKind.DRIFT).setStatus(EventStatus.APPLIED)
        .setBefore(wide).setAfter(CODE_VERSION).build());
    report("r-new", "web1.test", RunStatus.CHANGED_RUN, drift("sha256:aaaa"));
    logIn();

    // Overview: statuses in words, the code version shortened with the full value on hover,
    // and the node's last report one click away.
    WebElement row = browser.findElement(By.xpath("//table[@id='nodes']//tr[td]"));
    assertThat(row.getText()).contains("web1.test changed").doesNotContain("changed_run")
        .doesNotContain(CODE_VERSION);
    WebElement code = row.findElement(By.cssSelector("code.digest"));
    assertThat(code.getText()).isEqualTo("sha256:0123456789ab…");
    assertThat(code.getAttribute("title")).isEqualTo(CODE_VERSION);
    screenshot("dashboard-overview-words.png");
    row.findElement(By.linkText("r-new")).click();
    assertThat(text(By.id("report-id"))).isEqualTo("r-new");
    assertThat(text(By.id("report-status"))).isEqualTo("changed");
    assertThat(text(By.cssSelector("h3.resource"))).isEqualTo("file[/etc/app.conf] changed");
    assertThat(text(By.cssSelector("p.event.drift"))).contains("(applied)");

    // Node page: the drift history fits the window, and its report ids open the report.
    browser.findElement(By.linkText("web1.test")).click();
    assertThat(text(By.id("node-name"))).isEqualTo("web1.test");
    JavascriptExecutor js = (JavascriptExecutor) browser;
    assertThat((Boolean) js.executeScript("const e=document.scrollingElement;"
        + "return e.scrollWidth <= e.clientWidth;")).as("no sideways scrolling").isTrue();
    WebElement history = browser.findElement(By.id("drift-history"));
    assertThat(history.findElement(By.cssSelector("code.digest")).getAttribute("title"))
        .isEqualTo(CODE_VERSION);

    // Facts: a table of dotted paths, filtered as the operator types; credentials hidden.
    assertThat(visibleFacts()).containsExactly("db_password [redacted]", "networking.fqdn web1.test",
        "networking.ip 10.0.0.7", "os.family Debian", "os.release.full 12.5",
        "os.release.major 12", "processors.count 2");
    browser.findElement(By.id("facts-search")).sendKeys("release");
    assertThat(visibleFacts()).containsExactly("os.release.full 12.5", "os.release.major 12");
    assertThat(text(By.id("facts-count"))).isEqualTo("2 of 7 facts");
    browser.findElement(By.id("facts-search")).clear();
    browser.findElement(By.id("facts-search")).sendKeys("10.0.");
    assertThat(visibleFacts()).containsExactly("networking.ip 10.0.0.7");
    assertThat(browser.getPageSource()).doesNotContain("hunter2").doesNotContain("\"values\"");

    history.findElement(By.linkText("r-old")).click();
    assertThat(text(By.id("report-id"))).isEqualTo("r-old");
    assertThat(text(By.cssSelector("p.event.drift code.digest"))).isEqualTo(
        "sha256:0123456789ab…");
  }

  /** A run of {@code node} that left {@code resource}'s {@code property} drifted. */
  private void driftLeft(String id, String node, String resource, String property,
      EventStatus status, String observed, String desired) {
    boolean noop = status == EventStatus.NOOP;
    if (store.node(node).isEmpty()) {
      store.putNode(NodeInfo.newBuilder().setName(node).build());
    }
    store.addReport(Report.newBuilder().setId(id).setNode(node).setNoop(noop)
        .setStartedAtMs(System.currentTimeMillis() - 600_000).setCodeVersion(CODE_VERSION)
        .setStatus(noop ? RunStatus.UNCHANGED : RunStatus.FAILED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(6).setDriftEvents(1)
            .setOutOfSync(1).setFailed(noop ? 0 : 1))
        .addResources(ResourceResult.newBuilder().setKey(resource)
            .setStatus(noop ? ResourceStatus.WOULD_CHANGE : ResourceStatus.FAILED)
            .addEvents(Event.newBuilder().setProperty(property).setKind(ChangeKind.DRIFT)
                .setStatus(status).setBefore(observed).setAfter(desired)))
        .build());
    nodes.reported(node);
  }

  @Test
  void anOperatorExceptsDriftOnTheReviewPageAndLiftsItOnTheNodePage() throws Exception {
    driftLeft("r-web1-audit", "web1.test", "file[/etc/app.conf]", "content", EventStatus.NOOP,
        "sha256:" + "4a1c".repeat(16), "sha256:" + "5891".repeat(16));
    driftLeft("r-web2-audit", "web2.test", "file[/etc/ssh/sshd_config]", "mode",
        EventStatus.NOOP, "0666", "0600");
    driftLeft("r-db1", "db1.test", "service[postgresql]", "ensure", EventStatus.FAILURE,
        "stopped", "running");
    logIn();

    browser.findElement(By.linkText("drift review")).click();
    String item = "//table[@id='review']//tr[@data-node='web1.test']";
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.xpath(item)).isEmpty());
    assertThat(browser.findElements(By.cssSelector("#review tr.item"))).hasSize(3);
    assertThat(text(By.xpath(item + "/td[contains(@class,'state')]"))).isEqualTo("pending");
    WebElement form = browser.findElement(By.xpath(item
        + "/following-sibling::tr[1]//form[contains(@class,'except-form')]"));
    assertThat(browser.findElement(By.xpath(item + "/following-sibling::tr[1]"))
        .findElement(By.cssSelector("code.command")).getText()).isEqualTo(
            "stead drift accept --node web1.test --resource 'file[/etc/app.conf]' --property "
                + "content");
    assertThat(form.findElement(By.name("owner")).getAttribute("value")).isEqualTo("alice");
    form.findElement(By.name("reason")).sendKeys("CHG-1432: vendor hotfix, until release 4.2");
    WebElement expires = form.findElement(By.name("expires"));
    expires.clear();
    expires.sendKeys("14d");
    form.findElement(By.cssSelector("button[type=submit]")).click();

    assertThat(text(By.id("decision-done"))).startsWith("Excepted ex-")
        .contains("web1.test file[/etc/app.conf] content");
    DriftException granted = store.exceptions("web1.test").get(0);
    assertThat(granted.getDecidedBy()).isEqualTo("alice");
    assertThat(granted.getReason()).isEqualTo("CHG-1432: vendor hotfix, until release 4.2");
    // 14 days from when the form was read; the grant's own time is a moment later.
    assertThat(granted.getExpiresAtMs() - granted.getCreatedAtMs())
        .isBetween(Duration.ofDays(14).minusSeconds(5).toMillis(), Duration.ofDays(14).toMillis());
    assertThat(text(By.xpath(item + "/td[contains(@class,'state')]")))
        .startsWith("excepted until").contains(granted.getId())
        .contains("from the node's next run");
    assertThat(text(By.id("exceptions"))).contains(granted.getId()).contains("alice");
    assertThat(browser.findElements(By.cssSelector("#review form.except-form"))).hasSize(2);
    JavascriptExecutor js = (JavascriptExecutor) browser;
    assertThat((Boolean) js.executeScript("const e=document.scrollingElement;"
        + "return e.scrollWidth <= e.clientWidth;")).as("no sideways scrolling").isTrue();
    screenshot("dashboard-review.png");

    // The node's page offers the same decisions on its own drift: lift the exception there.
    browser.findElement(By.xpath(item + "/td[1]/a")).click();
    assertThat(text(By.id("node-name"))).isEqualTo("web1.test");
    browser.findElement(By.xpath("//table[@id='review']//form[contains(@class,'lift-form')]"
        + "//button")).click();
    assertThat(text(By.id("decision-done"))).startsWith("Lifted " + granted.getId());
    assertThat(browser.getCurrentUrl()).contains("/node?name=web1.test");
    assertThat(store.exceptions("web1.test").get(0).getLiftedBy()).isEqualTo("alice");
    assertThat(text(By.xpath("//table[@id='review']//tr[@data-node='web1.test']"
        + "/td[contains(@class,'state')]"))).isEqualTo("pending");

    // Accepting web2's mode answers the patch of the data file that sets it; the code stays.
    Files.createDirectories(code.resolve("data"));
    Files.writeString(code.resolve("data/common.yaml"), "ssh::mode: '0600'\n");
    store.putCatalog("web2.test", Catalog.newBuilder().setNode("web2.test")
        .addResources(Resource.newBuilder().setType("file")
            .setTitle("/etc/ssh/sshd_config").putParameters("mode", text("0600"))
            .addOrigins(ParameterOrigin.newBuilder().setParameter("mode")
                .setKey("ssh::mode").setFile("data/common.yaml").setLine(1)))
        .build());
    browser.findElement(By.linkText("drift review")).click();
    String web2 = "//table[@id='review']//tr[@data-node='web2.test']";
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.xpath(web2)).isEmpty());
    WebElement accept = browser.findElement(By.xpath(web2
        + "/following-sibling::tr[1]//form[contains(@class,'accept-form')]"));
    accept.findElement(By.name("reason")).sendKeys("0666 on purpose: INC-12");
    accept.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(text(By.id("accept-change"))).isEqualTo("""
        diff --git a/data/common.yaml b/data/common.yaml
        --- a/data/common.yaml
        +++ b/data/common.yaml
        @@ -1,1 +1,1 @@
        -ssh::mode: '0600'
        +ssh::mode: '0666'""");
    assertThat(text(By.id("accept-done"))).contains("web2.test file[/etc/ssh/sshd_config] mode");
    assertThat(browser.findElement(By.id("accept-download")).getAttribute("download"))
        .isEqualTo("accept-web2.test-mode.patch");
    assertThat(code.resolve("data/common.yaml")).hasContent("ssh::mode: '0600'");
    screenshot("dashboard-accept.png");
  }

  /** The facts rows a person sees now (hidden ones excluded). */
  private List<String> visibleFacts() {
    return browser.findElements(By.cssSelector("#facts tbody tr")).stream()
        .filter(WebElement::isDisplayed).map(WebElement::getText).toList();
  }

  private void screenshot(String name) throws IOException {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}
