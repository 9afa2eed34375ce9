package dev.stead.master.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.ReportQuery;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.Values;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * What only the PostgreSQL backend promises, on a real throwaway cluster: schema versions,
 * reports written by an older schema, daily partitions dropped whole, several masters on one
 * database, login failures.
 */
class PostgresStoreTest {
  private static final long DAY = 86_400_000L;

  private static Report report(String id, long startedAt) {
    return Report.newBuilder().setId(id).setNode("web1").setStartedAtMs(startedAt)
        .setStatus(RunStatus.UNCHANGED).setError("x".repeat(500)).build();
  }

  /** A connection of the test's own to {@code db}, beside the store's pool. */
  private static Connection connect(PostgresLocation db) throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    return DriverManager.getConnection(db.jdbcUrl(), cluster.credentials().user(),
        cluster.credentials().password());
  }

  private static long count(PostgresLocation db, String sql) throws Exception {
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void aDatabaseMigratedByANewerMasterIsRefusedAndLeftAlone() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    try (PostgresStore store = PostgresStore.open(db, cluster.credentials())) {
      assertThat(store.schemaVersion()).isEqualTo("10");
    }
    cluster.execute(db.database(), "INSERT INTO stead_schema_history (installed_rank, version, "
        + "description, type, script, checksum, installed_by, execution_time, success) VALUES "
        + "(99, '999', 'from the future', 'SQL', 'V999__future.sql', 0, 'stead', 1, true)");

    assertThatThrownBy(() -> PostgresStore.open(db, cluster.credentials()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("schema version 999, newer than this master knows (10)")
        .hasMessageContaining(db.toString());
    // Its own migrations and the one from the future: nothing more was applied.
    assertThat(count(db, "SELECT count(*) FROM stead_schema_history")).isEqualTo(11);
  }

  /** A report as the master receives it: quiet, or changing the given files. */
  private static Report run(String id, String node, long startedAt, RunStatus status,
      String... files) {
    Report.Builder report = Report.newBuilder().setId(id).setNode(node)
        .setStartedAtMs(startedAt).setReceivedAtMs(startedAt + 2_000).setStatus(status)
        .setCodeVersion("a1b2c3").setCatalogDigest("sha256:" + node)
        .setSummary(ReportSummary.newBuilder().setResources(40).setChanged(files.length));
    for (String file : files) {
      report.addResources(ResourceResult.newBuilder().setKey("file[" + file + "]")
          .setStatus(status == RunStatus.FAILED_RUN ? ResourceStatus.FAILED
              : ResourceStatus.CHANGED));
    }
    return report.build();
  }

  /** A fresh database migrated up to {@code version} only, as an older master left it. */
  private PostgresLocation migratedTo(String version) throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Flyway.configure(getClass().getClassLoader())
        .dataSource(db.jdbcUrl(), cluster.credentials().user(), cluster.credentials().password())
        .locations(SchemaMigrations.LOCATION).table(SchemaMigrations.HISTORY_TABLE)
        .target(version).load().migrate();
    return db;
  }

  @Test
  void aCatalogStoredBeforeDigestsHadAColumnGivesItsDigestFromItsBody() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = migratedTo("8");
    Catalog old = Catalog.newBuilder().setNode("web1").setDigest("sha256:0ld")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")).build();
    // A row as schema 8 wrote it: node and body only.
    try (Connection c = connect(db);
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO catalogs (node, body) VALUES (?, ?)")) {
      insert.setString(1, "web1");
      insert.setBytes(2, old.toByteArray());
      insert.executeUpdate();
    }

    try (PostgresStore store = PostgresStore.open(db, cluster.credentials())) {
      assertThat(store.catalogDigest("web1")).contains("sha256:0ld");
      assertThat(store.catalog("web1")).contains(old);
      store.putCatalog("web1", old.toBuilder().setDigest("sha256:new").build());
      assertThat(store.catalogDigest("web1")).contains("sha256:new");
    }
    assertThat(count(db, "SELECT count(*) FROM catalogs WHERE digest = 'sha256:new'"))
        .isEqualTo(1);
  }

  @Test
  void catalogsAreStoredCompressedWithLz4AndReadBackWhole() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Catalog.Builder big = Catalog.newBuilder().setNode("web1").setDigest("sha256:big");
    for (int i = 0; i < 200; i++) {
      big.addResources(Resource.newBuilder().setType("file").setTitle("/etc/app/" + i + ".conf")
          .putParameters("content", Values.of(
              ("# rendered for web1, file " + i + "\nserver 0.pool.ntp.org iburst\n").repeat(20))));
    }
    Catalog catalog = big.build();
    try (PostgresStore store = PostgresStore.open(db, cluster.credentials())) {
      store.putCatalog("web1", catalog);
      assertThat(store.catalog("web1")).contains(catalog);
    }
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT pg_column_compression(body),"
            + " pg_column_size(body), octet_length(body) FROM catalogs WHERE node = 'web1'")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("lz4");
      assertThat(row.getLong(2)).as("bytes stored").isLessThan(row.getLong(3) / 4);
    }
  }

  @Test
  void reportsWrittenBeforeTheSlimReportRowsReadTheSameAfterTheMigration() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = migratedTo("6");
    List<Report> old = List.of(
        run("old-1", "web1", 10 * DAY + 1_000, RunStatus.UNCHANGED),
        run("old-2", "web2", 10 * DAY + 1_000, RunStatus.CHANGED_RUN, "/etc/motd"),
        run("old-3", "web1", 10 * DAY + 5_000, RunStatus.FAILED_RUN, "/etc/motd", "/etc/ntp"),
        run("old-4", "web2", 11 * DAY + 1_000, RunStatus.UNCHANGED));
    // Rows as schema 6 wrote them: the whole report as the body, an empty array when quiet.
    try (Connection c = connect(db)) {
      for (long day : List.of(10L, 11L)) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE " + ReportPartitions.name(day) + " PARTITION OF reports "
              + "FOR VALUES FROM (" + day * DAY + ") TO (" + (day + 1) * DAY + ")");
        }
      }
      for (Report r : old) {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO reports "
            + "(id, node, started_at_ms, status, resources, body) VALUES (?, ?, ?, ?, ?, ?)")) {
          insert.setString(1, r.getId());
          insert.setString(2, r.getNode());
          insert.setLong(3, r.getStartedAtMs());
          insert.setInt(4, r.getStatusValue());
          insert.setArray(5, c.createArrayOf("text",
              r.getResourcesList().stream().map(ResourceResult::getKey).toArray()));
          insert.setBytes(6, r.toByteArray());
          insert.executeUpdate();
        }
      }
    }

    Report fresh = run("new-1", "web1", 10 * DAY + 5_000, RunStatus.CHANGED_RUN, "/etc/motd");
    Report quiet = run("new-2", "web2", 11 * DAY + 2_000, RunStatus.UNCHANGED);
    try (PostgresStore store = PostgresStore.open(db, cluster.credentials())) {
      assertThat(store.schemaVersion()).isEqualTo("10");
      for (Report r : old) {
        assertThat(store.report(r.getId())).contains(r);
      }
      assertThat(store.addReport(old.get(0))).isFalse(); // still known by id
      assertThat(store.addReport(fresh)).isTrue();
      assertThat(store.addReport(quiet)).isTrue();

      // Old and new rows together, newest first, ties in id order, through every index.
      assertThat(store.queryReports(ReportQuery.all(), 100)).containsExactly(
          quiet, old.get(3), fresh, old.get(2), old.get(0), old.get(1));
      assertThat(store.reportsWithIdPrefix("old-", 10)).containsExactlyElementsOf(old);
      assertThat(store.report("new-2")).contains(quiet);
      assertThat(store.reports("web1", 10)).containsExactly(fresh, old.get(2), old.get(0));
      assertThat(store.queryReports(ReportQuery.all().withStatus(RunStatus.UNCHANGED), 10))
          .containsExactly(quiet, old.get(3), old.get(0));
      assertThat(store.queryReports(ReportQuery.all().withStatus(RunStatus.CHANGED_RUN), 10))
          .containsExactly(fresh, old.get(1));
      assertThat(store.queryReports(ReportQuery.all().withResource("file[/etc/motd]"), 10))
          .containsExactly(fresh, old.get(2), old.get(1));
      assertThat(store.queryReports(ReportQuery.all().withResource("file[/etc/ntp]")
          .withNode("web1").withStatus(RunStatus.FAILED_RUN), 10)).containsExactly(old.get(2));
      assertThat(store.queryReports(ReportQuery.between(10 * DAY + 2_000, 11 * DAY + 1_000), 10))
          .containsExactly(old.get(3), fresh, old.get(2));
    }
    // A new row's body leaves out what its columns hold; a quiet one lists no resources.
    assertThat(count(db, "SELECT octet_length(body) FROM reports WHERE id = 'new-2'"))
        .isLessThan(quiet.getSerializedSize() - "new-2web2".length());
    assertThat(count(db, "SELECT count(*) FROM reports WHERE resources IS NULL")).isEqualTo(1);
  }

  @Test
  void retentionDropsWholeDayPartitionsAndKeepsTheDayTheCutoffFallsIn() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    try (PostgresStore store = PostgresStore.open(db, cluster.credentials())) {
      for (int day = 1; day <= 5; day++) {
        for (int i = 0; i < 200; i++) {
          store.addReport(report("d" + day + "-" + i, day * DAY + i * 1000L));
        }
      }
      assertThat(count(db, "SELECT count(*) FROM pg_inherits "
          + "WHERE inhparent = 'reports'::regclass")).isEqualTo(5);
      long before = store.sizes().get("reports");

      // The cutoff is noon of day 3: days 1 and 2 go whole, day 3 stays whole.
      int deleted = store.expireReports(3 * DAY + DAY / 2);

      assertThat(deleted).isEqualTo(400);
      assertThat(count(db, "SELECT count(*) FROM pg_inherits "
          + "WHERE inhparent = 'reports'::regclass")).isEqualTo(3);
      assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname IN "
          + "('reports_19700102', 'reports_19700103')")).isZero();
      assertThat(store.queryReports(ReportQuery.all(), 10_000)).hasSize(600);
      assertThat(store.sizes().get("reports")).isLessThan(before * 3 / 4);
      // A report for a dropped day is stored again in a new partition.
      assertThat(store.addReport(report("late", 2 * DAY))).isTrue();
    }
  }

  @Test
  void twoMastersOnOneDatabaseStoreEachReportExactlyOnce() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (PostgresStore a = PostgresStore.open(db, cluster.credentials());
        PostgresStore b = PostgresStore.open(db, cluster.credentials())) {
      List<Callable<Boolean>> submits = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Report r = report("r" + i, 10 * DAY + i);
        // Each report reaches both masters twice, one retry redated to another day.
        submits.add(() -> a.addReport(r));
        submits.add(() -> b.addReport(r));
        submits.add(() -> a.addReport(r.toBuilder().setStartedAtMs(11 * DAY).build()));
        submits.add(() -> b.addReport(r.toBuilder().setStartedAtMs(12 * DAY).build()));
      }
      int stored = 0;
      for (Future<Boolean> done : pool.invokeAll(submits)) {
        stored += done.get() ? 1 : 0;
      }
      assertThat(stored).isEqualTo(100);
      assertThat(a.reportsAdded() + b.reportsAdded()).isEqualTo(100);
    } finally {
      pool.shutdownNow();
    }
    assertThat(count(db, "SELECT count(*) FROM reports")).isEqualTo(100);
    assertThat(count(db, "SELECT count(DISTINCT id) FROM reports")).isEqualTo(100);
  }

  @Test
  void eachMasterOnOneDatabaseSeesTheOthersRegistration() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    try (PostgresStore a = PostgresStore.open(db, cluster.credentials());
        PostgresStore b = PostgresStore.open(db, cluster.credentials())) {
      a.heartbeat(new MasterRecord("a.example:8140", true, Map.of("production", "sha256:aa"),
          1_000, 1_000));
      b.heartbeat(new MasterRecord("b.example:8140", false, Map.of(), 2_000, 2_000));
      a.heartbeat(new MasterRecord("a.example:8140", true,
          Map.of("production", "sha256:ab", "test", "sha256:cd"), 1_000, 4_000));

      assertThat(b.masters()).containsExactly(
          new MasterRecord("a.example:8140", true,
              Map.of("production", "sha256:ab", "test", "sha256:cd"), 1_000, 4_000),
          new MasterRecord("b.example:8140", false, Map.of(), 2_000, 2_000));
    }
    assertThat(count(db, "SELECT count(*) FROM masters")).isEqualTo(2);
  }

  /** The lock, once the server has ended the session that held it (it does so on its own time). */
  private static CaRoleLock eventually(PostgresStore store) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      java.util.Optional<CaRoleLock> lock = store.tryLockCaRole();
      if (lock.isPresent() || System.nanoTime() > deadline) {
        return lock.orElseThrow(() -> new AssertionError("the CA lock is still held 5 s after"
            + " its holder's session was ended"));
      }
      Thread.sleep(50);
    }
  }

  @Test
  void theCaLockGoesToOneSessionAndIsFreedWhenItsHolderClosesDiesOrStopsRenewing()
      throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    try (PostgresStore a = PostgresStore.open(db, cluster.credentials());
        PostgresStore b = PostgresStore.open(db, cluster.credentials())) {
      CaRoleLock held = a.tryLockCaRole().orElseThrow();
      assertThat(b.tryLockCaRole()).isEmpty();
      assertThat(held.renew()).isTrue();

      // Released: the other master gets it.
      held.close();
      assertThat(held.renew()).isFalse();
      CaRoleLock byB = b.tryLockCaRole().orElseThrow();
      assertThat(a.tryLockCaRole()).isEmpty();

      // The holder's session killed (its process gone): the lock is free at once, and the
      // former holder learns at its next renewal that it lost it.
      cluster.execute(db.database(), "SELECT pg_terminate_backend(pid) FROM pg_locks"
          + " WHERE locktype = 'advisory' AND granted");
      CaRoleLock byA = eventually(a);
      assertThat(byB.renew()).isFalse();

      // A holder that stops renewing (its machine lost, nothing closed) loses the lock once
      // its lease has passed.
      byA.close();
      CaRoleLock silent = a.tryLockCaRole(Duration.ofMillis(500)).orElseThrow();
      assertThat(b.tryLockCaRole()).isEmpty();
      Thread.sleep(500);
      CaRoleLock afterLease = eventually(b);
      assertThat(silent.renew()).isFalse();
      afterLease.close();
    }
  }

  @Test
  void aWrongPasswordOrAMissingDatabaseFailsAtOpenSayingWhere() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    assertThatThrownBy(() -> PostgresStore.open(db,
        new PostgresCredentials(cluster.credentials().user(), "wrong")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot connect to the store " + db + " as stead")
        .hasMessageContaining("password authentication failed");
    PostgresLocation missing = new PostgresLocation("127.0.0.1", cluster.port(), "no_such_db");
    assertThatThrownBy(() -> PostgresStore.open(missing, cluster.credentials()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no_such_db");
  }
}
