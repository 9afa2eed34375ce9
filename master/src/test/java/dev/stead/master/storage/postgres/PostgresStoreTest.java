package dev.stead.master.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.ReportQuery;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.junit.jupiter.api.Test;

/**
 * What only the PostgreSQL backend promises, on a real throwaway cluster: schema versions,
 * daily partitions dropped whole, several masters on one database, login failures.
 */
class PostgresStoreTest {
  private static final long DAY = 86_400_000L;

  private static Report report(String id, long startedAt) {
    return Report.newBuilder().setId(id).setNode("web1").setStartedAtMs(startedAt)
        .setStatus(RunStatus.UNCHANGED).setError("x".repeat(500)).build();
  }

  private static long count(PostgresLocation db, String sql) throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), cluster.credentials().user(),
            cluster.credentials().password());
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
      assertThat(store.schemaVersion()).isEqualTo("6");
    }
    cluster.execute(db.database(), "INSERT INTO stead_schema_history (installed_rank, version, "
        + "description, type, script, checksum, installed_by, execution_time, success) VALUES "
        + "(99, '999', 'from the future', 'SQL', 'V999__future.sql', 0, 'stead', 1, true)");

    assertThatThrownBy(() -> PostgresStore.open(db, cluster.credentials()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("schema version 999, newer than this master knows (6)")
        .hasMessageContaining(db.toString());
    // Its own migrations and the one from the future: nothing more was applied.
    assertThat(count(db, "SELECT count(*) FROM stead_schema_history")).isEqualTo(7);
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
