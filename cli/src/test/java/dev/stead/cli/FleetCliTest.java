package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view with real processes: a master child process, real agent runs that
 * converge, drift and report, then every fleet command, the metrics endpoint, and a backup
 * restored onto a new master that the same agent keeps using.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetCliTest {
  private static final String SITE = """
      node(~/^web\\d\\.test$/) {
          file('/etc/app.conf') { content 'setting = on\\npassword = hunter2\\n'; mode '0644' }
          file('/etc/motd') { content 'hello\\n' }
      }
      """;

  @TempDir static Path tmp;
  private MasterProcess master;
  private int metricsPort;
  private String driftReport;

  @BeforeAll
  void startMaster() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("site.groovy"), SITE);
    try (ServerSocket socket = new ServerSocket(0)) {
      metricsPort = socket.getLocalPort();
    }
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test",
        "--metrics-listen", "127.0.0.1:" + metricsPort, "--report-retention", "30d");
  }

  @AfterAll
  void stopMaster() throws Exception {
    if (master != null) {
      master.close();
    }
  }

  private Cli agent(String certname) throws Exception {
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    Path root = tmp.resolve("root-" + certname);
    Files.createDirectories(root.resolve("etc"));
    return Cli.run("agent", "run", "--once", "--server", master.address,
        "--certname", certname, "--state", tmp.resolve("state-" + certname).toString(),
        "--root", root.toString(), "--ca-fingerprint", fingerprint);
  }

  private Cli stead(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data", master.data.toString()));
    Cli cli = Cli.inThisJvm(all.toArray(String[]::new));
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(0);
    return cli;
  }

  /** As {@link #stead}, in this JVM: for the quick looks that need no process of their own. */
  private String inProcess(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data", master.data.toString()));
    InProcess run = InProcess.run(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.out();
  }

  @Test
  @Order(1)
  void driftIsListedReportedWithARedactedDiffAndExported() throws Exception {
    assertThat(agent("web1.test").exitCode()).isEqualTo(2);
    assertThat(agent("web2.test").exitCode()).isEqualTo(2);
    Files.writeString(tmp.resolve("root-web1.test/etc/app.conf"),
        "setting = off\npassword = hunter3\n");
    Cli repair = agent("web1.test");
    assertThat(repair.exitCode()).as(repair.toString()).isEqualTo(2);

    Cli nodes = stead("nodes");
    assertThat(nodes.output()).containsPattern("web1\\.test\\s+changed\\s+\\S+ \\S+\\s+yes \\(1\\)")
        .containsPattern("web2\\.test\\s+changed\\s+\\S+ \\S+\\s+no");
    assertThat(stead("nodes", "--json").output()).contains("\"name\": \"web1.test\"")
        .contains("\"lastDriftEvents\": 1");

    Cli drift = stead("drift", "--since", "1h", "--node", "web*", "--type", "file", "--json");
    assertThat(drift.output()).contains("\"resource\": \"file[/etc/app.conf]\"")
        .contains("\"kind\": \"DRIFT\"").doesNotContain("web2.test").doesNotContain("hunter");
    assertThat(stead("drift", "--since", "1h", "--type", "service").output())
        .contains("no drift");
    Cli table = stead("drift", "--since", "1h");
    driftReport = table.output().lines().filter(l -> l.contains("web1.test"))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElseThrow();

    Cli report = stead("report", driftReport);
    assertThat(report.output()).contains("node     web1.test")
        .contains("file[/etc/app.conf]  changed")
        .contains("drift     content")
        .contains("-setting = off").contains("+setting = on")
        .contains("password = [redacted]").doesNotContain("hunter");
    assertThat(stead("reports", "--node", "web1.test", "--status", "changed", "--json").output())
        .contains(driftReport);
    assertThat(stead("reports", "--resource", "file[/etc/app.conf]").output().lines())
        .hasSize(4);

    Cli csv = stead("audit", "--since", "1h", "--format", "csv");
    List<String> rows = csv.output().lines().toList();
    assertThat(rows.get(0)).isEqualTo(String.join(",", AuditCommand.COLUMNS));
    // Two first runs (content, mode and motd content each) and the drift repair.
    assertThat(rows).filteredOn(r -> r.contains(",drift,")).hasSize(1);
    assertThat(rows).filteredOn(r -> r.contains("web2.test,file[/etc/app.conf],content,intended"))
        .hasSize(1);
    assertThat(stead("audit", "--since", "1h", "--format", "json").output())
        .contains("\"codeVersion\"").contains("\"before\"");

    // Tables fit a 120-column terminal; --wide gives whole ids and digests, --json too.
    for (List<String> command : List.of(List.of("nodes"), List.of("reports"),
        List.of("drift", "--since", "1h"), List.of("ca", "list"))) {
      assertThat(inProcess(command.toArray(String[]::new)).lines())
          .as(String.join(" ", command)).allSatisfy(line -> assertThat(line.length())
              .as(line).isLessThanOrEqualTo(120));
    }
    String wholeId = inProcess("reports", "--node", "web1.test", "--status", "changed", "--wide")
        .lines().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .filter(id -> id.startsWith(driftReport)).findFirst().orElseThrow();
    assertThat(wholeId).hasSize(36);
    assertThat(inProcess("nodes", "--json")).contains(wholeId);
    assertThat(inProcess("nodes", "--wide")).contains(wholeId)
        .containsPattern("sha256:[0-9a-f]{64}");
    assertThat(inProcess("nodes")).containsPattern("sha256:[0-9a-f]{8}…")
        .doesNotContain(wholeId);

    Cli compliance = stead("compliance", "--since", "1h", "--step", "10m");
    String now = compliance.output().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(now).containsPattern("\\(fleet\\)\\s+2\\s+1\\s+50\\.0%");
  }

  @Test
  @Order(2)
  void metricsCountNodesReportsCompilesAndDatabaseSize() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    String text = response.body();
    assertThat(text).contains("stead_reports_received_total 3\n")
        .contains("stead_nodes{status=\"changed\"} 2\n")
        .contains("stead_nodes_drifting 1\n")
        .contains("stead_catalogs_served_total 3\n")
        // web1's repair run is answered `unchanged` from the cache's digest: no compile timed.
        .contains("stead_compile_seconds_count 2\n")
        .contains("stead_compile_seconds_bucket{le=\"+Inf\"} 2\n")
        .containsPattern("stead_catalog_cache_hit_ratio 0\\.333\\d*\n") // web1's repair run
        .containsPattern("stead_ca_age_seconds \\d+\n")
        .containsPattern("stead_rocksdb_bytes\\{kind=\"sst_files\"} \\d+\n");
  }

  @Test
  @Order(3)
  void aBackupRestoredOntoANewMasterKeepsTheAgentsCertificateAndHistory() throws Exception {
    Path backup = tmp.resolve("backup");
    Cli done = stead("master", "backup", backup.toString());
    assertThat(done.output()).contains("backup written to " + backup);
    // The master kept serving while it wrote the backup.
    assertThat(agent("web2.test").exitCode()).isEqualTo(0);
    master.close();
    master = null;

    Path restored = tmp.resolve("restored");
    Cli restore = Cli.run("master", "restore", backup.toString(), "--data", restored.toString());
    assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(0);
    master = MasterProcess.start(restored, tmp.resolve("code"));

    Cli run = agent("web1.test");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
    assertThat(stead("report", driftReport).output()).contains("+setting = on");
    assertThat(stead("reports", "--node", "web1.test").output().lines())
        .hasSize(4); // header, 2 runs before the backup, 1 after the restore
    Cli again = Cli.run("master", "restore", backup.toString(), "--data", restored.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("is not empty");
  }

  @Test
  @Order(4)
  void reportsTakeANodeGlobAndAReportIdPrefix() throws Exception {
    List<String> both = stead("reports", "--node", "web?.test").output().lines().skip(1)
        .toList();
    assertThat(both).anyMatch(l -> l.contains("web1.test")).anyMatch(l -> l.contains("web2.test"));
    assertThat(stead("reports", "--node", "web1*").output()).contains("web1.test")
        .doesNotContain("web2.test");
    assertThat(stead("reports", "--node", "db*").output().lines().skip(1)).isEmpty();

    String id = both.get(0).substring(both.get(0).lastIndexOf(' ') + 1);
    assertThat(stead("report", id.substring(0, 8)).output()).contains("report   " + id);
    Cli tooShort = Cli.inThisJvm("report", id.substring(0, 3), "--data", master.data.toString());
    assertThat(tooShort.exitCode()).isEqualTo(1);
    assertThat(tooShort.output()).contains("no report with id").contains("6 characters");
  }

  @Test
  @Order(5)
  void anExceptionLiftedBeforeItsExpiryLeavesTheListAndIsAnAuditRow() throws Exception {
    Cli granted = stead("drift", "except", "--node", "web1.test", "--resource",
        "file[/etc/app.conf]", "--property", "content", "--reason", "INC-9: load test",
        "--owner", "ops", "--expires", "1d");
    String id = granted.output().substring("excepted ".length(),
        granted.output().indexOf(':'));
    assertThat(stead("exceptions").output()).contains(id);

    assertThat(stead("exceptions", "lift", id).output()).startsWith("lifted " + id
        + ": web1.test file[/etc/app.conf] content is enforced again");
    assertThat(stead("exceptions").output()).contains("no drift exceptions in force");
    assertThat(stead("exceptions", "--expired", "1h").output()).contains(id)
        .contains("lifted by stead-admin");
    assertThat(stead("audit", "--since", "1h").output().lines()
        .filter(l -> l.contains(",decision,lift,")).toList()).singleElement()
        .satisfies(row -> assertThat(row).contains(",stead-admin,ops,").endsWith(id));
    Cli again = Cli.inThisJvm("exceptions", "lift", id, "--data", master.data.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("already lifted by stead-admin");
    Cli unknown = Cli.inThisJvm("exceptions", "lift", "ex-000000000000", "--data",
        master.data.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.output()).contains("no drift exception 'ex-000000000000'");
  }
}
