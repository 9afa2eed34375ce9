package dev.stead.master.storage.postgres;

import static dev.stead.master.storage.postgres.Sql.execute;
import static dev.stead.master.storage.postgres.Sql.parse;
import static dev.stead.master.storage.postgres.Sql.prepare;
import static dev.stead.master.storage.postgres.Sql.transaction;

import com.google.protobuf.Message;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.CatalogDigest;
import dev.stead.master.storage.CertificateRecord;
import dev.stead.master.storage.NodeActivity;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RevokedCertificate;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.CatalogEncodings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * {@link Store} on a PostgreSQL database that several masters may share. Values are the
 * protobuf messages the RocksDB store keeps; the columns beside them serve the queries (see
 * the migrations). Every committed write is durable as PostgreSQL makes it; facts, catalogs
 * and node summaries commit without waiting for the log flush, as they are rebuilt by a
 * node's next run.
 *
 * <p>Reports live in daily partitions ({@link ReportPartitions}); retention drops whole days,
 * so it keeps the reports of the day the cutoff falls in until that day is past it. A report
 * id is stored once across masters: the insert holds an advisory lock on the id while it
 * looks for it.
 *
 * <p>Connections come from a HikariCP pool; the schema is migrated with Flyway on open.
 */
public final class PostgresStore implements Store, dev.stead.master.storage.SharedState {
  /** Advisory lock key (first half) for report ids; the second half is the id's hash. */
  private static final int REPORT_ID_LOCK = 0x53544452; // "STDR"
  private static final int ROLLOUT_START_LOCK = 0x53545253; // "STRS"
  /**
   * Rows fetched per round trip while scanning reports: few at first (most visitors stop at
   * the newest report or so, and each row is a whole report), then many.
   */
  /**
   * How long the database keeps the CA lock of a master that stopped renewing it (its machine
   * lost): as long as a CA master's heartbeat record takes to lapse.
   */
  private static final Duration CA_LEASE = Duration.ofSeconds(10);
  private static final int SCAN_FIRST_PAGE = 8;
  private static final int SCAN_PAGE = 200;
  private static final String NO_PARTITION = "23514";

  private final PostgresLocation location;
  private final HikariDataSource pool;
  private final ReportPartitions partitions = new ReportPartitions();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong reportsAdded = new AtomicLong();
  private final String schemaVersion;
  private final Sql db;
  private final PostgresJobs jobs;

  private PostgresStore(PostgresLocation location, HikariDataSource pool, String schemaVersion) {
    this.location = location;
    this.pool = pool;
    this.schemaVersion = schemaVersion;
    this.db = new Sql(pool, location, this::requireOpen);
    this.jobs = new PostgresJobs(db);
  }

  /**
   * Connects to {@code location} as {@code credentials} and brings the schema up to date.
   *
   * @throws IOException when the database cannot be reached, refuses the login, or has a
   *     schema newer than this code knows
   */
  public static PostgresStore open(PostgresLocation location, PostgresCredentials credentials)
      throws IOException {
    SchemaMigrations.quietLibraries();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(location.jdbcUrl());
    config.setUsername(credentials.user());
    if (!credentials.password().isEmpty()) {
      config.setPassword(credentials.password());
    }
    config.setPoolName("stead-store");
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(10_000);
    // Fail at start after one attempt, with the server's reason (a refused login does not
    // get better by retrying; the service manager restarts the master).
    config.setInitializationFailTimeout(1);
    config.addDataSourceProperty("ApplicationName", "stead-master");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to the store " + location + " as "
          + credentials.user() + ": " + rootMessage(e), e);
    }
    try {
      String version = SchemaMigrations.migrate(pool, location);
      return new PostgresStore(location, pool, version);
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The schema version the database is at (Flyway's). */
  public String schemaVersion() {
    return schemaVersion;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  // --- nodes, facts, catalogs ---

  @Override
  public void putFacts(String node, Facts facts) {
    upsertRebuildable("facts", "node", node, facts);
  }

  @Override
  public Optional<Facts> facts(String node) {
    return db.one("SELECT body FROM facts WHERE node = ?", Facts.parser(), node);
  }

  @Override
  public void putCatalog(String node, Catalog catalog) {
    db.run("write to catalogs", connection -> transaction(connection, () -> {
      try (PreparedStatement async = connection.prepareStatement(
          "SET LOCAL synchronous_commit TO OFF")) {
        async.execute();
      }
      try (PreparedStatement upsert = prepare(connection, "INSERT INTO catalogs (node, body,"
          + " digest) VALUES (?, ?, ?) ON CONFLICT (node) DO UPDATE SET body = EXCLUDED.body,"
          + " digest = EXCLUDED.digest", node, CatalogEncodings.encoded(catalog),
          catalog.getDigest())) {
        upsert.executeUpdate();
      }
      if (catalog.getExportsCount() == 0) {
        try (PreparedStatement delete = prepare(connection,
            "DELETE FROM exports WHERE node = ?", node)) {
          delete.executeUpdate();
        }
      } else {
        try (PreparedStatement upsert = prepare(connection, "INSERT INTO exports (node,"
            + " environment, body) VALUES (?, ?, ?) ON CONFLICT (node) DO UPDATE SET"
            + " environment = EXCLUDED.environment, body = EXCLUDED.body", node,
            catalog.getEnvironment(), Catalog.newBuilder().setNode(node)
                .setEnvironment(catalog.getEnvironment())
                .addAllExports(catalog.getExportsList()).build().toByteArray())) {
          upsert.executeUpdate();
        }
      }
      return null;
    }));
  }

  @Override
  public java.util.SortedMap<String, List<dev.stead.proto.v1.Resource>> exports(
      String environment) {
    java.util.SortedMap<String, List<dev.stead.proto.v1.Resource>> out = new java.util.TreeMap<>();
    for (Catalog exported : db.list("SELECT body FROM exports WHERE environment = ? ORDER BY node",
        Catalog.parser(), environment)) {
      out.put(exported.getNode(), exported.getExportsList());
    }
    return java.util.Collections.unmodifiableSortedMap(out);
  }

  @Override
  public Optional<Catalog> catalog(String node) {
    return db.one("SELECT body FROM catalogs WHERE node = ?", Catalog.parser(), node);
  }

  @Override
  public Optional<String> catalogDigest(String node) {
    return db.run("read", connection -> {
      // The body only for a row stored before digests had their own column.
      try (PreparedStatement query = prepare(connection, "SELECT digest, CASE WHEN digest IS"
          + " NULL THEN body END FROM catalogs WHERE node = ?", node);
          ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        String digest = rows.getString(1);
        return Optional.of(digest != null ? digest : CatalogDigest.read(rows.getBytes(2)));
      }
    });
  }

  @Override
  public void removeCatalog(String node) {
    db.run("remove the catalog of " + node, connection -> transaction(connection, () -> {
      execute(connection, "DELETE FROM catalogs WHERE node = ?", node);
      execute(connection, "DELETE FROM exports WHERE node = ?", node);
      execute(connection, "DELETE FROM compile_memos WHERE node = ?", node);
      return null;
    }));
  }

  @Override
  public void putCompileMemo(String node, dev.stead.proto.v1.CompileMemo memo) {
    upsertRebuildable("compile_memos", "node", node, memo);
  }

  @Override
  public Optional<dev.stead.proto.v1.CompileMemo> compileMemo(String node) {
    return db.one("SELECT body FROM compile_memos WHERE node = ?",
        dev.stead.proto.v1.CompileMemo.parser(), node);
  }

  @Override
  public void putNode(NodeInfo node) {
    upsertRebuildable("nodes", "name", node.getName(), node);
  }

  @Override
  public Optional<NodeInfo> node(String name) {
    return db.one("SELECT body FROM nodes WHERE name = ?", NodeInfo.parser(), name);
  }

  @Override
  public List<NodeInfo> nodes() {
    return db.list("SELECT body FROM nodes ORDER BY name", NodeInfo.parser());
  }

  @Override
  public List<NodeActivity> activity() {
    return db.run("read", connection -> {
      List<NodeActivity> out = new ArrayList<>();
      try (PreparedStatement query = connection.prepareStatement(
              "SELECT name, body FROM nodes ORDER BY name");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.add(NodeActivity.fromStored(rows.getString(1), rows.getBytes(2)));
        }
      }
      return List.copyOf(out);
    });
  }

  // --- reports ---

  @Override
  public boolean addReport(Report report) {
    if (report.getId().isEmpty() || report.getNode().isEmpty()) {
      throw new IllegalArgumentException("a report needs an id and a node");
    }
    if (report.getStartedAtMs() < 0) {
      throw new IllegalArgumentException("report started_at_ms is negative");
    }
    long day = ReportPartitions.day(report.getStartedAtMs());
    return db.run("store report " + report.getId(), connection -> {
      partitions.ensure(connection, day);
      try {
        return insertOnce(connection, report);
      } catch (SQLException e) {
        if (!NO_PARTITION.equals(e.getSQLState())) {
          throw e;
        }
        // Another master's retention dropped the day meanwhile: make it again.
        partitions.forget(day);
        partitions.ensure(connection, day);
        return insertOnce(connection, report);
      }
    });
  }

  private boolean insertOnce(Connection connection, Report report) throws SQLException {
    return transaction(connection, () -> {
      try (PreparedStatement lock = connection.prepareStatement(
          "SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
        lock.setInt(1, REPORT_ID_LOCK);
        lock.setString(2, report.getId());
        lock.execute();
      }
      try (PreparedStatement known = connection.prepareStatement(
          "SELECT 1 FROM reports WHERE id = ? LIMIT 1")) {
        known.setString(1, report.getId());
        try (ResultSet rows = known.executeQuery()) {
          if (rows.next()) {
            return false;
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reports "
          + "(id, node, started_at_ms, status, resources, body) VALUES (?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, report.getId());
        insert.setString(2, report.getNode());
        insert.setLong(3, report.getStartedAtMs());
        insert.setInt(4, report.getStatusValue());
        Object[] keys = report.getResourcesList().stream()
            .map(r -> r.getKey()).filter(k -> !k.isEmpty()).distinct().toArray();
        // NULL, not an empty array, keeps a quiet report out of the index by resource.
        Array resources = keys.length == 0 ? null : connection.createArrayOf("text", keys);
        insert.setArray(5, resources);
        insert.setBytes(6, ReportRows.body(report));
        insert.executeUpdate();
      }
      reportsAdded.incrementAndGet();
      return true;
    });
  }

  @Override
  public Optional<Report> report(String id) {
    List<Report> found = reports("SELECT " + ReportRows.COLUMNS
        + " FROM reports WHERE id = ? LIMIT 1", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private List<Report> reports(String sql, Object... args) {
    return db.run("read reports", connection -> {
      List<Report> out = new ArrayList<>();
      try (PreparedStatement query = prepare(connection, sql, args);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.add(ReportRows.read(rows));
        }
      }
      return List.copyOf(out);
    });
  }

  @Override
  public List<Report> reportsWithIdPrefix(String prefix, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return reports("SELECT " + ReportRows.COLUMNS + " FROM reports WHERE id >= ? "
        + "AND starts_with(id, ?) ORDER BY id LIMIT " + limit, prefix, prefix);
  }

  @Override
  public List<Report> reports(String node, int limit) {
    return queryReports(ReportQuery.all().withNode(node), limit);
  }

  @Override
  public void scanReports(ReportQuery query, Predicate<Report> visitor) {
    List<Object> criteria = new ArrayList<>();
    StringBuilder where = new StringBuilder("TRUE");
    if (!query.node().isEmpty()) {
      where.append(" AND node = ?");
      criteria.add(query.node());
    }
    if (query.status() != RunStatus.RUN_STATUS_UNSPECIFIED) {
      // A literal, not a parameter: the planner then sees whether the status is one the
      // (partial) index by status holds, also in a statement prepared once for all.
      where.append(" AND status = ").append(query.status().getNumber());
    }
    if (!query.resource().isEmpty()) {
      where.append(" AND resources @> ARRAY[?]::text[]");
      criteria.add(query.resource());
    }
    if (query.sinceMs() > 0) {
      where.append(" AND started_at_ms >= ?");
      criteria.add(query.sinceMs());
    }
    if (query.untilMs() > 0) {
      where.append(" AND started_at_ms <= ?");
      criteria.add(query.untilMs());
    }
    // Pages by keyset (newest first, then id), so no transaction stays open while the
    // visitor works and each page is one index range (the bound on started_at_ms is the
    // index's; the id only orders reports that share a start time).
    String first = "SELECT " + ReportRows.COLUMNS + " FROM reports WHERE " + where
        + " ORDER BY started_at_ms DESC, id LIMIT " + SCAN_FIRST_PAGE;
    String next = "SELECT " + ReportRows.COLUMNS + " FROM reports WHERE " + where
        + " AND started_at_ms <= ? AND (started_at_ms < ? OR id > ?)"
        + " ORDER BY started_at_ms DESC, id LIMIT " + SCAN_PAGE;
    long lastStart = 0;
    String lastId = null;
    while (true) {
      List<Object> args = new ArrayList<>(criteria);
      if (lastId != null) {
        args.add(lastStart);
        args.add(lastStart);
        args.add(lastId);
      }
      String sql = lastId == null ? first : next;
      List<Report> page = new ArrayList<>();
      long[] pageStart = {lastStart};
      String[] pageId = {lastId};
      db.run("scan reports", connection -> {
        try (PreparedStatement statement = prepare(connection, sql, args.toArray());
            ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            Report report = ReportRows.read(rows);
            page.add(report);
            pageStart[0] = report.getStartedAtMs();
            pageId[0] = report.getId();
          }
        }
        return null;
      });
      for (Report report : page) {
        if (!visitor.test(report)) {
          return;
        }
      }
      if (page.size() < (lastId == null ? SCAN_FIRST_PAGE : SCAN_PAGE)) {
        return;
      }
      lastStart = pageStart[0];
      lastId = pageId[0];
    }
  }

  @Override
  public int expireReports(long cutoffMs) {
    return db.run("expire reports", connection -> partitions.dropBefore(connection, cutoffMs));
  }

  @Override
  public int expireReportsStartedAfter(long latestMs) {
    if (latestMs == Long.MAX_VALUE) {
      return 0;
    }
    return db.run("expire reports dated in the future", connection -> {
      try (PreparedStatement delete = prepare(connection,
          "DELETE FROM reports WHERE started_at_ms > ?", latestMs)) {
        return delete.executeUpdate();
      }
    });
  }

  // --- certificates ---

  @Override
  public void putCertificate(CertificateRecord record) {
    db.run("store the certificate record of " + record.certname(), connection -> {
      try (PreparedStatement upsert = prepare(connection, "INSERT INTO certificates "
          + "(certname, state, certificate_pem, csr_pems) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT (certname) DO UPDATE SET state = EXCLUDED.state, "
          + "certificate_pem = EXCLUDED.certificate_pem, csr_pems = EXCLUDED.csr_pems",
          record.certname(), record.state().getNumber(), record.certificatePem(),
          connection.createArrayOf("text", record.csrPems().toArray()))) {
        upsert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<CertificateRecord> certificate(String certname) {
    List<CertificateRecord> found = certificates("SELECT certname, state, certificate_pem, "
        + "csr_pems FROM certificates WHERE certname = ?", certname);
    return found.stream().findFirst();
  }

  @Override
  public List<CertificateRecord> certificates() {
    return certificates("SELECT certname, state, certificate_pem, csr_pems FROM certificates "
        + "ORDER BY certname");
  }

  @Override
  public List<CertificateRecord> pendingCertificates() {
    return certificates("SELECT certname, state, certificate_pem, csr_pems FROM certificates "
        + "WHERE state = ? ORDER BY certname", CertificateState.PENDING.getNumber());
  }

  private List<CertificateRecord> certificates(String sql, Object... args) {
    return db.run("read the certificate records", connection -> {
      List<CertificateRecord> out = new ArrayList<>();
      try (PreparedStatement query = prepare(connection, sql, args);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          CertificateState state = CertificateState.forNumber(rows.getInt(2));
          if (state == null) {
            throw new StoreException("the certificate record of " + rows.getString(1)
                + " has an unknown state " + rows.getInt(2), null);
          }
          String[] csrs = (String[]) rows.getArray(4).getArray();
          out.add(new CertificateRecord(rows.getString(1), state, Arrays.asList(csrs),
              rows.getString(3)));
        }
      }
      return List.copyOf(out);
    });
  }

  @Override
  public void deleteCertificate(String certname) {
    db.update("delete the certificate record of " + certname,
        "DELETE FROM certificates WHERE certname = ?", certname);
  }

  @Override
  public void putRevocation(RevokedCertificate revocation) {
    if (revocation.getSerial().isEmpty()) {
      throw new IllegalArgumentException("a revocation needs a serial");
    }
    db.update("store the revocation of " + revocation.getSerial(), "INSERT INTO revocations "
        + "(serial, body) VALUES (?, ?) ON CONFLICT (serial) DO UPDATE SET body = EXCLUDED.body",
        revocation.getSerial(), revocation.toByteArray());
  }

  @Override
  public List<RevokedCertificate> revocations() {
    return db.list("SELECT body FROM revocations ORDER BY serial", RevokedCertificate.parser());
  }

  // --- state shared by the masters ---

  @Override
  public Optional<String> sharedValue(String name) {
    return db.run("read shared value " + name, connection -> {
      try (PreparedStatement query = prepare(connection,
              "SELECT value FROM shared_state WHERE name = ?", name);
          ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
      }
    });
  }

  @Override
  public String putSharedValueIfAbsent(String name, String value) {
    db.update("store shared value " + name, "INSERT INTO shared_state (name, value) VALUES (?, ?) "
        + "ON CONFLICT (name) DO NOTHING", name, value);
    return sharedValue(name).orElseThrow(() -> new StoreException("shared value " + name
        + " vanished as it was stored in " + location, null));
  }

  @Override
  public void putSharedValue(String name, String value) {
    db.update("store shared value " + name, "INSERT INTO shared_state (name, value) VALUES (?, ?) "
        + "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", name, value);
  }

  @Override
  public void deleteSharedValue(String name) {
    db.update("delete shared value " + name, "DELETE FROM shared_state WHERE name = ?", name);
  }

  @Override
  public List<String> sharedNames(String prefix) {
    return db.run("list shared values", connection -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement query = prepare(connection, "SELECT name FROM shared_state "
              + "WHERE starts_with(name, ?) ORDER BY name", prefix);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.add(rows.getString(1));
        }
      }
      return List.copyOf(out);
    });
  }

  // --- the masters ---

  @Override
  public void heartbeat(MasterRecord master) {
    StringBuilder versions = new StringBuilder();
    master.codeVersions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> versions.append(e.getKey()).append('=').append(e.getValue()).append('\n'));
    db.update("register master " + master.address(), "INSERT INTO masters (address, ca, "
        + "code_versions, started_at_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?) "
        + "ON CONFLICT (address) DO UPDATE SET ca = EXCLUDED.ca, "
        + "code_versions = EXCLUDED.code_versions, started_at_ms = EXCLUDED.started_at_ms, "
        + "last_seen_ms = EXCLUDED.last_seen_ms", master.address(), master.ca(),
        versions.toString(), master.startedAtMs(), master.lastSeenMs());
  }

  @Override
  public void forget(String address) {
    db.update("forget master " + address, "DELETE FROM masters WHERE address = ?", address);
  }

  @Override
  public Optional<CaRoleLock> tryLockCaRole() {
    return tryLockCaRole(CA_LEASE);
  }

  /** As {@link #tryLockCaRole()}, with the lease a holder that stops renewing keeps it for. */
  public Optional<CaRoleLock> tryLockCaRole(Duration lease) {
    requireOpen();
    try {
      return PostgresCaLock.tryTake(pool, lease, location);
    } catch (SQLException e) {
      throw new StoreException("cannot take the CA lock in " + location + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public List<MasterRecord> masters() {
    return db.run("list masters", connection -> {
      List<MasterRecord> out = new ArrayList<>();
      try (PreparedStatement query = prepare(connection, "SELECT address, ca, code_versions, "
              + "started_at_ms, last_seen_ms FROM masters ORDER BY address");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          java.util.Map<String, String> versions = new java.util.TreeMap<>();
          for (String line : rows.getString(3).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
              versions.put(line.substring(0, eq), line.substring(eq + 1));
            }
          }
          out.add(new MasterRecord(rows.getString(1),
              rows.getBoolean(2), versions, rows.getLong(4), rows.getLong(5)));
        }
      }
      return List.copyOf(out);
    });
  }

  // --- operators' records ---

  @Override
  public void putException(DriftException exception) {
    if (exception.getId().isEmpty() || exception.getNode().isEmpty()
        || exception.getNode().indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a drift exception needs an id and a node");
    }
    db.update("store drift exception " + exception.getId(), "INSERT INTO drift_exceptions "
        + "(node, id, body) VALUES (?, ?, ?) ON CONFLICT (node, id) DO UPDATE SET body = "
        + "EXCLUDED.body", exception.getNode(), exception.getId(), exception.toByteArray());
  }

  @Override
  public List<DriftException> exceptions(String node) {
    return node.isEmpty()
        ? db.list("SELECT body FROM drift_exceptions ORDER BY node, id", DriftException.parser())
        : db.list("SELECT body FROM drift_exceptions WHERE node = ? ORDER BY id",
            DriftException.parser(), node);
  }

  @Override
  public void putClassification(NodeClassification classification) {
    if (classification.getNode().isEmpty()) {
      throw new IllegalArgumentException("a classification needs a node");
    }
    if (classification.getValuesMap().isEmpty()) {
      db.update("delete the classification of " + classification.getNode(),
          "DELETE FROM classifications WHERE node = ?", classification.getNode());
    } else {
      db.update("store the classification of " + classification.getNode(),
          "INSERT INTO classifications (node, body) VALUES (?, ?) ON CONFLICT (node) DO "
              + "UPDATE SET body = EXCLUDED.body", classification.getNode(),
          classification.toByteArray());
    }
  }

  @Override
  public Optional<NodeClassification> classification(String node) {
    return db.one("SELECT body FROM classifications WHERE node = ?", NodeClassification.parser(),
        node);
  }

  @Override
  public List<NodeClassification> classifications() {
    return db.list("SELECT body FROM classifications ORDER BY node", NodeClassification.parser());
  }

  @Override
  public void addDecision(ChangeRecord decision) {
    if (decision.getNode().isEmpty() || decision.getNode().indexOf('\0') >= 0
        || decision.getDecision().isEmpty() || decision.getTimeMs() < 0) {
      throw new IllegalArgumentException("a decision needs a node, what was decided and a time");
    }
    db.update("record a decision on " + decision.getNode(), "INSERT INTO decisions "
        + "(time_ms, node, body) VALUES (?, ?, ?)", decision.getTimeMs(), decision.getNode(),
        decision.toByteArray());
  }

  @Override
  public List<ChangeRecord> decisions(long sinceMs, long untilMs) {
    return untilMs == 0
        ? db.list("SELECT body FROM decisions WHERE time_ms >= ? ORDER BY time_ms DESC, node, seq",
            ChangeRecord.parser(), sinceMs)
        : db.list("SELECT body FROM decisions WHERE time_ms >= ? AND time_ms <= ? "
            + "ORDER BY time_ms DESC, node, seq", ChangeRecord.parser(), sinceMs, untilMs);
  }

  // --- runs on demand (PostgresJobs) ---

  @Override
  public void createJob(dev.stead.proto.v1.JobStatus job) {
    jobs.createJob(job);
  }

  @Override
  public Optional<dev.stead.proto.v1.JobStatus> job(String id) {
    return jobs.job(id);
  }

  @Override
  public List<dev.stead.proto.v1.JobStatus> unfinishedJobs() {
    return jobs.unfinishedJobs();
  }

  @Override
  public boolean moveJobNode(String jobId, dev.stead.proto.v1.JobNode next,
      java.util.Set<dev.stead.proto.v1.JobNodeState> from) {
    return jobs.moveJobNode(jobId, next, from);
  }

  @Override
  public void finishJob(String id) {
    jobs.finishJob(id);
  }

  @Override
  public List<String> jobsWaitingFor(String node) {
    return jobs.jobsWaitingFor(node);
  }

  @Override
  public Optional<String> requestRun(dev.stead.proto.v1.RunRequest request,
      dev.stead.proto.v1.JobNode triggered) {
    return jobs.requestRun(request, triggered);
  }

  @Override
  public List<dev.stead.proto.v1.RunRequest> takeRunRequests(String master) {
    return jobs.takeRunRequests(master);
  }

  @Override
  public void masterAlive(String master, long nowMs) {
    jobs.masterAlive(master, nowMs);
  }

  @Override
  public Map<String, Long> streamMasters() {
    return jobs.streamMasters();
  }

  @Override
  public void holdStream(String node, String master) {
    jobs.holdStream(node, master);
  }

  @Override
  public void releaseStream(String node, String master) {
    jobs.releaseStream(node, master);
  }

  @Override
  public Map<String, String> streamHolders(long aliveSinceMs) {
    return jobs.streamHolders(aliveSinceMs);
  }

  @Override
  public void forgetMaster(String master) {
    jobs.forgetMaster(master);
  }

  @Override
  public int forgetJobs(long startedBeforeMs) {
    return jobs.forgetJobs(startedBeforeMs);
  }

  @Override
  public void putRollout(Rollout rollout) {
    if (rollout.getId().isEmpty() || rollout.getEnvironment().isEmpty()) {
      throw new IllegalArgumentException("a rollout needs an id and an environment");
    }
    db.update("store rollout " + rollout.getId(), "INSERT INTO rollouts (id, environment, "
        + "started_at_ms, body) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = "
        + "EXCLUDED.body", rollout.getId(), rollout.getEnvironment(), rollout.getStartedAtMs(),
        rollout.toByteArray());
  }

  @Override
  public Optional<Rollout> startRollout(Rollout rollout,
      java.util.function.Predicate<Rollout> blocking) {
    if (rollout.getId().isEmpty() || rollout.getEnvironment().isEmpty()) {
      throw new IllegalArgumentException("a rollout needs an id and an environment");
    }
    return db.run("start rollout " + rollout.getId(), connection -> transaction(connection,
        () -> {
          // Held to the commit: a master starting one of this environment waits, then sees it.
          execute(connection, "SELECT pg_advisory_xact_lock(?, hashtext(?))", ROLLOUT_START_LOCK,
              rollout.getEnvironment());
          try (PreparedStatement query = prepare(connection,
                  "SELECT body FROM rollouts WHERE environment = ?", rollout.getEnvironment());
              ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              Rollout stored = parse(rows.getBytes(1), dev.stead.proto.v1.Rollout.parser());
              if (blocking.test(stored)) {
                return Optional.of(stored);
              }
            }
          }
          execute(connection, "INSERT INTO rollouts (id, environment, started_at_ms, body) "
              + "VALUES (?, ?, ?, ?)", rollout.getId(), rollout.getEnvironment(),
              rollout.getStartedAtMs(), rollout.toByteArray());
          return Optional.<Rollout>empty();
        }));
  }

  @Override
  public Optional<Rollout> updateRollout(String id,
      java.util.function.UnaryOperator<Rollout> change) {
    return db.run("update rollout " + id, connection -> transaction(connection, () -> {
      Rollout current;
      // The row stays locked until the commit: a concurrent update waits and then reads ours.
      try (PreparedStatement query = prepare(connection,
              "SELECT body FROM rollouts WHERE id = ? FOR UPDATE", id);
          ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.<Rollout>empty();
        }
        current = parse(row.getBytes(1), dev.stead.proto.v1.Rollout.parser());
      }
      Rollout next = change.apply(current);
      if (next != current && !next.equals(current)) {
        if (!next.getId().equals(id)) {
          throw new IllegalArgumentException("an update of rollout " + id + " returned rollout "
              + next.getId());
        }
        execute(connection, "UPDATE rollouts SET environment = ?, started_at_ms = ?, body = ?"
            + " WHERE id = ?", next.getEnvironment(), next.getStartedAtMs(), next.toByteArray(),
            id);
      }
      return Optional.of(next);
    }));
  }

  @Override
  public Optional<Rollout> rollout(String id) {
    return db.one("SELECT body FROM rollouts WHERE id = ?", dev.stead.proto.v1.Rollout.parser(), id);
  }

  @Override
  public List<Rollout> rollouts() {
    return db.list("SELECT body FROM rollouts ORDER BY started_at_ms DESC, id DESC",
        dev.stead.proto.v1.Rollout.parser());
  }

  // --- maintenance ---

  @Override
  public Map<String, Long> sizes() {
    return db.run("read the database sizes", connection -> {
      Map<String, Long> out = new LinkedHashMap<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT "
          + "pg_database_size(current_database()), (SELECT coalesce(sum("
          + "pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
          + "WHERE inhparent = 'reports'::regclass)");
          ResultSet rows = query.executeQuery()) {
        rows.next();
        out.put("total", rows.getLong(1));
        out.put("reports", rows.getLong(2));
      }
      return java.util.Collections.unmodifiableMap(out);
    });
  }

  /** Nothing to do: a committed transaction is already on PostgreSQL's disk. */
  @Override
  public void flush() {
    requireOpen();
  }

  @Override
  public long reportCount() {
    return db.run("count the reports", connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM reports");
          ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    });
  }

  @Override
  public long reportsAdded() {
    return reportsAdded.get();
  }

  @Override
  public void checkpoint(Path target) {
    throw new UnsupportedOperationException("the store is the PostgreSQL database " + location
        + ": back it up with pg_dump (or your PostgreSQL backups), and the master's data "
        + "directory (the CA) with a file copy; `stead master backup` copies a RocksDB store only");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.close();
    }
  }

  // --- plumbing ---

  private void requireOpen() {
    if (closed.get()) {
      throw new StoreException("the store " + location + " is closed", null);
    }
  }

  /**
   * Inserts or replaces a value the node's next run rebuilds: committed without waiting for
   * PostgreSQL's log flush (a crash of the database server may lose the last ones).
   */
  private void upsertRebuildable(String table, String keyColumn, String key, Message value) {
    db.run("write to " + table, connection -> transaction(connection, () -> {
      try (PreparedStatement async = connection.prepareStatement(
          "SET LOCAL synchronous_commit TO OFF")) {
        async.execute();
      }
      try (PreparedStatement upsert = prepare(connection, "INSERT INTO " + table + " ("
          + keyColumn + ", body) VALUES (?, ?) ON CONFLICT (" + keyColumn + ") DO UPDATE SET "
          + "body = EXCLUDED.body", key, value.toByteArray())) {
        upsert.executeUpdate();
      }
      return null;
    }));
  }

}
