package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real `stead master start` processes on one PostgreSQL database (the CA master first in
 * every agent's --server list) and three real agent processes. While the agents converge, the
 * CA master is killed with SIGKILL: each agent fails over to the other master, and every
 * report an agent saw acknowledged is in the database exactly once, counted with SQL. A
 * secret in the catalog converges through either master, a revocation made on one master
 * is refused by the other, and `stead masters` shows both with their role.
 */
class FailoverEndToEndTest {
  private static final String SHARED_NAME = "stead.fleet.test";
  private static final List<String> NODES = List.of("web1.test", "web2.test", "web3.test");
  private static final String SITE = """
      node(~/(web\\d|gone)\\.test/) {
          file('/etc/motd') { content 'one fleet\\n'; mode '0644' }
          file('/etc/db.pass') { content lookup('app::db_password'); mode '0600' }
      }
      """;

  @TempDir Path tmp;
  private Path hosts;
  private String fingerprint;

  @Test
  void agentsFailOverWhenAMasterIsKilledAndEveryAcknowledgedReportIsStoredOnce()
      throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path credentials = cluster.writeCredentialsFile(tmp.resolve("store.credentials"));
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    Path sharedKey = tmp.resolve("shared.key");
    byte[] keyBytes = new byte[32];
    new java.security.SecureRandom().nextBytes(keyBytes);
    Files.writeString(sharedKey, java.util.Base64.getEncoder().encodeToString(keyBytes) + "\n");
    Files.setPosixFilePermissions(sharedKey, PosixFilePermissions.fromString("rw-------"));
    String[] options = {"--store", db.toString(), "--store-credentials", credentials.toString(),
        "--dns-alt-names", SHARED_NAME, "--autosign", "*.test",
        "--shared-key-file", sharedKey.toString()};
    hosts = tmp.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 " + SHARED_NAME + "\n127.0.0.1 localhost\n");

    Path dataA = tmp.resolve("a");
    MasterProcess a = MasterProcess.start(dataA, code, options);
    try (MasterProcess b = MasterProcess.start(tmp.resolve("b"), code,
        plus(options, "--no-ca"))) {
      try (var admin = b.admin()) {
        fingerprint = admin.caFingerprint();
      }
      String blob = Cli.runWithInput("s3cret-pw", "secret", "encrypt", "--data",
          dataA.toString());
      Files.createDirectories(code.resolve("data"));
      Files.writeString(code.resolve("data/common.yaml"), "app::db_password: '" + blob + "'\n");
      String both = SHARED_NAME + ":" + a.port + "," + SHARED_NAME + ":" + b.port;

      // Every master registers itself; only A holds the CA key.
      Cli masters = b.stead("masters");
      assertThat(masters.output()).containsPattern("127\\.0\\.0\\.1:" + a.port + " +ca ")
          .containsPattern("127\\.0\\.0\\.1:" + b.port + " +no-ca ");

      // Enrol and converge all, through A (first in the list), secret included.
      List<String> enrolled = new ArrayList<>(NODES);
      enrolled.add("gone.test");
      List<Agent> throughA = runAll(enrolled, both, "30");
      for (Agent run : throughA) {
        assertThat(run.exitCode).as(run.output).isEqualTo(2);
        assertThat(run.output).doesNotContain("failing over")
            .contains("\"compiledBy\": \"127.0.0.1:" + a.port + "\"");
      }
      for (String node : enrolled) {
        assertThat(root(node).resolve("etc/db.pass")).hasContent("s3cret-pw");
      }

      // Revoked on A, refused on B. B reads revocations every 2 s, so a run that starts right
      // after the revocation may still get its catalog there, and its report may be stored
      // or refused (then spooled); once refused, a run stores nothing.
      a.stead("ca", "revoke", "gone.test");
      Agent refused = null;
      int completedMeanwhile = 0;
      for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          System.nanoTime() < end; ) {
        refused = agent("gone.test", SHARED_NAME + ":" + b.port, "0").join();
        if (refused.exitCode == 1) {
          break;
        }
        assertThat(refused.exitCode).as(refused.output).isIn(0, 2);
        completedMeanwhile++;
      }
      assertThat(refused.exitCode).as(refused.output).isEqualTo(1);
      assertThat(refused.output).contains("has been revoked");
      long stored = count(cluster, db, "SELECT count(*) FROM reports WHERE node = 'gone.test'");
      assertThat(stored).isBetween(1L, 1L + completedMeanwhile);
      Agent again = agent("gone.test", SHARED_NAME + ":" + b.port, "0").join();
      assertThat(again.exitCode).as(again.output).isEqualTo(1);
      assertThat(count(cluster, db, "SELECT count(*) FROM reports WHERE node = 'gone.test'"))
          .isEqualTo(stored);

      // Each agent runs twice in a row; A is killed with SIGKILL once it has served two of
      // those six runs, so runs are cut wherever they are: before the catalog, between
      // catalog and report, with a report stored but not yet acknowledged.
      long servedBefore = served(dataA);
      List<CompletableFuture<List<Agent>>> loops = new ArrayList<>();
      for (String node : NODES) {
        loops.add(CompletableFuture.supplyAsync(() -> {
          List<Agent> runs = new ArrayList<>();
          for (int i = 0; i < 2; i++) {
            runs.add(agent(node, both, "0").join());
          }
          return runs;
        }));
      }
      await(() -> served(dataA) >= servedBefore + 2, 90);
      a.kill();
      List<Agent> duringKill = loops.stream().flatMap(l -> l.join().stream()).toList();
      for (Agent run : duringKill) {
        // 0 or 2: the run converged, through a master or its cached catalog.
        assertThat(run.exitCode).as(run.output).isIn(0, 2);
      }
      assertThat(duringKill).as("runs that failed over")
          .anySatisfy(run -> assertThat(run.output).contains("failing over to " + SHARED_NAME
              + ":" + b.port));

      // Later runs fail over too (a new process starts with the first of the list), deliver
      // what was kept, and converge the secret through B.
      for (String node : NODES) {
        Files.delete(root(node).resolve("etc/db.pass"));
      }
      List<Agent> afterKill = runAll(NODES, both, "0");
      for (int i = 0; i < NODES.size(); i++) {
        Agent run = afterKill.get(i);
        assertThat(run.exitCode).as(run.output).isEqualTo(2);
        assertThat(run.output).contains("failing over to " + SHARED_NAME + ":" + b.port)
            .contains("\"compiledBy\": \"127.0.0.1:" + b.port + "\"");
        // Another master, the same catalog: the digest does not name who served it.
        assertThat(run.field("catalogDigest")).isEqualTo(throughA.get(i).field("catalogDigest"));
      }
      for (String node : NODES) {
        assertThat(root(node).resolve("etc/db.pass")).hasContent("s3cret-pw");
      }

      // Every report, acknowledged at once or kept and delivered later, is stored once; no
      // spool is left; none is missing.
      List<String> reported = new ArrayList<>();
      for (Agent run : concat(duringKill, afterKill)) {
        reported.add(run.reportId());
      }
      for (String id : reported) {
        assertThat(count(cluster, db, "SELECT count(*) FROM reports WHERE id = ?", id))
            .as(id).isEqualTo(1);
      }
      for (String node : NODES) {
        assertThat(count(cluster, db, "SELECT count(*) FROM reports WHERE node = ?", node))
            .as(node).isEqualTo(4);
        try (var spooled = Files.list(tmp.resolve("state-" + node).resolve("spool"))) {
          assertThat(spooled.filter(p -> p.toString().endsWith(".pb"))).as(node).isEmpty();
        }
      }
      assertThat(count(cluster, db, "SELECT count(*) FROM reports"))
          .isEqualTo(count(cluster, db, "SELECT count(DISTINCT id) FROM reports"));
      String shown = b.stead("report", afterKill.get(0).reportId()).output();
      assertThat(shown).contains("master   127.0.0.1:" + b.port);
    } finally {
      a.close();
    }
  }

  private Path root(String node) {
    return tmp.resolve("root-" + node);
  }

  private List<Agent> runAll(List<String> nodes, String server, String waitForCert) {
    List<CompletableFuture<Agent>> runs = new ArrayList<>();
    for (String node : nodes) {
      runs.add(agent(node, server, waitForCert));
    }
    return runs.stream().map(CompletableFuture::join).toList();
  }

  /** One real agent run, JSON report on stdout, its name resolved through our hosts file. */
  private CompletableFuture<Agent> agent(String certname, String server, String waitForCert) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Files.createDirectories(root(certname).resolve("etc"));
        ProcessBuilder builder = new ProcessBuilder(StepProcess.command("agent", "run",
            "--once", "--json", "--server", server, "--certname", certname,
            "--state", tmp.resolve("state-" + certname).toString(), "--root",
            root(certname).toString(), "--ca-fingerprint", fingerprint, "--wait-for-cert",
            waitForCert)).redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts);
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Agent(process.exitValue(), out.toString(StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private record Agent(int exitCode, String output) {
    String reportId() {
      return field("id");
    }

    /** A top-level string field of the JSON report. */
    String field(String name) {
      Matcher m = Pattern.compile("^  \"" + name + "\": \"([^\"]+)\"", Pattern.MULTILINE)
          .matcher(output);
      assertThat(m.find()).as(output).isTrue();
      return m.group(1);
    }
  }

  /** Catalogs the master has served so far, from its log. */
  private static long served(Path data) {
    try {
      Path log = data.resolveSibling(data.getFileName() + ".log");
      return Files.readAllLines(log).stream().filter(l -> l.contains("catalog served node="))
          .count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void await(BooleanSupplier condition, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited " + seconds + " s").isLessThan(end);
      Thread.sleep(50);
    }
  }

  private static long count(PostgresCluster cluster, PostgresLocation db, String sql,
      String... args) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(),
            cluster.credentials().user(), cluster.credentials().password());
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static String[] plus(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
