package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.fleet.FleetClient;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real `stead master start --store postgresql://...` process on a throwaway PostgreSQL
 * cluster serving a real agent over mTLS: the agent enrols, converges and reports; what the
 * master stored is in the database's tables, counted with SQL; a restarted master finds it.
 */
class PostgresStoreEndToEndTest {
  private static final String SITE = """
      node('db-node.test') {
          file('/etc/motd') { content 'on postgres\\n'; mode '0644' }
      }
      """;

  @TempDir Path tmp;

  @Test
  void aMasterOnPostgresqlServesAnAgentAndKeepsItsStateInTheDatabase() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path credentials = cluster.writeCredentialsFile(tmp.resolve("store.credentials"));
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    Path data = tmp.resolve("master");
    String[] store = {"--store", db.toString(), "--store-credentials", credentials.toString()};

    String lastReport;
    try (MasterProcess master = MasterProcess.start(data, code, plus(store, "--autosign",
        "*.test"))) {
      // No RocksDB beside the CA: the state goes to PostgreSQL.
      assertThat(data.resolve("db")).doesNotExist();
      Cli first = agent(master, "db-node.test");
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(tmp.resolve("root/etc/motd")).hasContent("on postgres");
      Cli second = agent(master, "db-node.test");
      assertThat(second.exitCode()).as(second.toString()).isZero();

      assertThat(count(cluster, db, "SELECT count(*) FROM reports WHERE node = 'db-node.test'"))
          .isEqualTo(2);
      assertThat(count(cluster, db, "SELECT count(*) FROM catalogs WHERE node = 'db-node.test'"))
          .isEqualTo(1);
      assertThat(count(cluster, db, "SELECT count(*) FROM facts WHERE node = 'db-node.test'"))
          .isEqualTo(1);
      assertThat(count(cluster, db, "SELECT count(*) FROM certificates "
          + "WHERE certname = 'db-node.test' AND state = 2")).isEqualTo(1);

      try (var admin = master.admin()) {
        lastReport = new FleetClient(admin).latest("db-node.test", 1)
            .get(0).getId();
      }
      // `stead master backup` copies RocksDB only; it says what to use instead.
      Cli backup = master.steadMayFail("master", "backup", tmp.resolve("backup").toString());
      assertThat(backup.exitCode()).as(backup.toString()).isNotZero();
      assertThat(backup.output()).contains("pg_dump");
      assertThat(tmp.resolve("backup")).doesNotExist();
    }

    try (MasterProcess master = MasterProcess.start(data, code, store)) {
      assertThat(master.stead("nodes").output()).contains("db-node.test");
      assertThat(master.stead("reports", "--node", "db-node.test", "--wide").output())
          .contains(lastReport);
      Cli again = agent(master, "db-node.test");
      assertThat(again.exitCode()).as(again.toString()).isZero();
    }
    assertThat(count(cluster, db, "SELECT count(*) FROM reports")).isEqualTo(3);
  }

  private Cli agent(MasterProcess master, String certname) throws Exception {
    String fingerprint;
    try (var admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    Files.createDirectories(tmp.resolve("root/etc"));
    return Cli.run("agent", "run", "--once", "--server", master.address, "--certname", certname,
        "--state", tmp.resolve("state").toString(), "--root", tmp.resolve("root").toString(),
        "--ca-fingerprint", fingerprint);
  }

  private static long count(PostgresCluster cluster, PostgresLocation db, String sql)
      throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), cluster.credentials().user(),
            cluster.credentials().password());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String[] plus(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
