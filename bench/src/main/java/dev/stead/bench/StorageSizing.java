package dev.stead.bench;

import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.RocksStore;
import dev.stead.master.storage.Store;
import dev.stead.master.storage.postgres.PostgresCredentials;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.master.storage.postgres.PostgresStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.PhaseTimings;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.proto.v1.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Bytes on disk of the master's store over many runs, on RocksDB and on PostgreSQL: per run
 * what the master writes (facts, the node's summary, a catalog that changed, the report), with
 * facts and catalogs churning at every run and reports expired by retention on a simulated
 * clock. Prints the sizes at ten checkpoints, then the bytes one stored quiet report takes,
 * and one report of the mix (one in ten with changes).
 * A plain main, not part of {@code ./mvnw verify}: see docs/storage-sizing.md.
 *
 * <p>Arguments: {@code rocksdb DIR}, {@code postgresql} (a throwaway cluster, as the tests
 * make) or {@code postgresql://HOST:PORT/DB CREDENTIALS_FILE} (an existing, empty database),
 * then {@code key=value} settings: {@code runs} (10000), {@code nodes} (100),
 * {@code resources} per catalog (1000), {@code span-days} the runs cover (5),
 * {@code retention-days} (1), {@code quiet-reports} for the per-report figure (20000),
 * {@code mixed-reports} for the mix's (20000). {@code runs=0} skips the churn, a count of 0
 * its per-report figure.
 */
public final class StorageSizing {
  private static final HexFormat HEX = HexFormat.of();

  private final Map<String, String> settings;
  private final int runs;
  private final int nodes;
  private final int resources;
  private final long spanMs;
  private final long retentionMs;
  private final int quietReports;
  private final int mixedReports;
  private final Random random = new Random(1);

  private StorageSizing(Map<String, String> settings) {
    this.settings = settings;
    this.runs = setting("runs", 10_000);
    this.nodes = setting("nodes", 100);
    this.resources = setting("resources", 1_000);
    this.spanMs = Duration.ofDays(setting("span-days", 5)).toMillis();
    this.retentionMs = Duration.ofDays(setting("retention-days", 1)).toMillis();
    this.quietReports = setting("quiet-reports", 20_000);
    this.mixedReports = setting("mixed-reports", 20_000);
  }

  private int setting(String key, int fallback) {
    String value = settings.remove(key);
    return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
  }

  /** Opens a fresh store of the backend, and says what its bytes on disk are. */
  private interface Backend {
    Store open(String name) throws IOException;

    /** Bytes on disk now, by what they are; {@code compact}: after a full compaction. */
    Map<String, Long> measure(Store store, String name, boolean compact) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: StorageSizing rocksdb DIR | postgresql | "
          + "postgresql://HOST:PORT/DB CREDENTIALS_FILE  [key=value ...]");
      System.exit(2);
    }
    int settingsFrom = args[0].equals("rocksdb") || args[0].contains("://") ? 2 : 1;
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = settingsFrom; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("not key=value: " + args[i]);
      }
      settings.put(kv[0], kv[1]);
    }
    StorageSizing sizing = new StorageSizing(settings);
    if (!settings.isEmpty()) {
      throw new IllegalArgumentException("unknown settings: " + settings.keySet());
    }
    Backend backend = switch (args[0]) {
      case "rocksdb" -> rocks(Path.of(args[1]));
      case "postgresql" -> {
        ThrowawayPostgres cluster = ThrowawayPostgres.start();
        yield postgres(cluster::createDatabase, cluster.credentials());
      }
      default -> {
        PostgresLocation location = PostgresLocation.parse(args[0], "the database");
        PostgresCredentials credentials = PostgresCredentials.read(Path.of(args[1]));
        yield postgres(() -> location, credentials);
      }
    };
    System.out.printf("backend=%s runs=%d nodes=%d resources=%d span_days=%d retention_days=%d"
        + "%n", args[0], sizing.runs, sizing.nodes, sizing.resources,
        sizing.spanMs / 86_400_000L, sizing.retentionMs / 86_400_000L);
    if (sizing.runs > 0) {
      sizing.churn(backend);
    }
    if (sizing.quietReports > 0) {
      sizing.perReport(backend, "quiet", sizing.quietReports, 0);
    }
    if (sizing.mixedReports > 0) {
      sizing.perReport(backend, "mixed", sizing.mixedReports, 10);
    }
  }

  // --- the backends ---

  private static Backend rocks(Path base) throws IOException {
    Files.createDirectories(base);
    return new Backend() {
      @Override
      public Store open(String name) throws IOException {
        // The master's own settings: reports synced as the master syncs them.
        return RocksStore.open(base.resolve(name));
      }

      @Override
      public Map<String, Long> measure(Store store, String name, boolean compact)
          throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        store.flush();
        out.put("dir_bytes", directoryBytes(base.resolve(name)));
        if (compact) {
          ((RocksStore) store).compactAll();
          out.put("dir_bytes_compacted", directoryBytes(base.resolve(name)));
        }
        // RocksDB's text log (LOG, LOG.old.*) and its MANIFEST: not data, bounded by rotation.
        out.put("info_log_and_manifest_bytes", filesBytes(base.resolve(name),
            f -> f.startsWith("LOG") || f.startsWith("MANIFEST")));
        Map<String, Long> sizes = store.sizes();
        out.put("wal_bytes", sizes.get("wal_files"));
        out.put("reports_bytes", sizes.get("reports"));
        // Catalogs of 16 KB and more: in blob files, beside their family's table files.
        out.put("catalog_blob_bytes", sizes.get("blob_files"));
        for (String family : new String[] {"catalogs", "facts", "nodes"}) {
          Long bytes = sizes.get("sst_files." + family);
          if (bytes != null) {
            out.put(family + "_bytes", bytes);
          }
        }
        return out;
      }
    };
  }

  /** Where a fresh database is; the throwaway cluster makes one per call. */
  private interface Databases {
    PostgresLocation next() throws IOException;
  }

  private static Backend postgres(Databases databases, PostgresCredentials credentials) {
    Map<String, PostgresLocation> opened = new HashMap<>();
    return new Backend() {
      @Override
      public Store open(String name) throws IOException {
        PostgresLocation location = databases.next();
        opened.put(name, location);
        return PostgresStore.open(location, credentials);
      }

      @Override
      public Map<String, Long> measure(Store store, String name, boolean compact)
          throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("database_bytes", store.sizes().get("total"));
        out.put("reports_bytes", store.sizes().get("reports"));
        try (Connection connection = DriverManager.getConnection(opened.get(name).jdbcUrl(),
            credentials.user(), credentials.password());
            Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT c.relname, "
                + "pg_total_relation_size(c.oid) FROM pg_class c "
                + "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                + "AND c.relname NOT LIKE 'reports_%' "
                + "ORDER BY 2 DESC LIMIT 4")) {
          while (rows.next()) {
            out.put(rows.getString(1) + "_bytes", rows.getLong(2));
          }
        } catch (java.sql.SQLException e) {
          throw new IOException("cannot read the relation sizes: " + e.getMessage(), e);
        }
        return out;
      }
    };
  }

  private static long directoryBytes(Path dir) throws IOException {
    return filesBytes(dir, f -> true);
  }

  private static long filesBytes(Path dir, java.util.function.Predicate<String> named)
      throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> named.test(f.getFileName().toString())).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // deleted while we walked: takes no room
        }
      }).sum();
    }
  }

  // --- the runs ---

  /** A clock the runs move forward. */
  private static final class SimulatedClock extends Clock {
    long nowMs;

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(nowMs);
    }
  }

  /** {@code runs} runs of {@code nodes} nodes, churning facts and catalogs, with retention. */
  private void churn(Backend backend) throws IOException {
    long intervalMs = spanMs * nodes / runs;
    SimulatedClock clock = new SimulatedClock();
    long start = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    clock.nowMs = start;
    Catalog[] catalogs = new Catalog[nodes];
    for (int n = 0; n < nodes; n++) {
      catalogs[n] = baseCatalog(n);
    }
    System.out.printf("catalog_bytes=%d interval_min=%d%n", catalogs[0].getSerializedSize(),
        intervalMs / 60_000);
    long began = System.nanoTime();
    long lastExpiry = start;
    try (Store store = backend.open("churn")) {
      Nodes summaries = new Nodes(store, clock);
      for (int run = 1; run <= runs; run++) {
        int n = (run - 1) % nodes;
        String node = name(n);
        // Runs spread evenly over the interval, one node after another.
        clock.nowMs = start + (run - 1) * intervalMs / nodes;
        store.putFacts(node, facts(n));
        summaries.seen(node);
        catalogs[n] = churned(catalogs[n]);
        store.putCatalog(node, catalogs[n]);
        store.addReport(report(node, catalogs[n].getDigest(), clock.nowMs,
            random.nextInt(10) == 0));
        summaries.reported(node);
        if (clock.nowMs - lastExpiry >= 3_600_000L) { // the master's hourly retention pass
          store.expireReports(clock.nowMs - retentionMs);
          lastExpiry = clock.nowMs;
        }
        if (run % (runs / 10) == 0) {
          Map<String, Long> sizes = backend.measure(store, "churn", true);
          System.out.printf("runs=%d simulated_hours=%.1f reports_stored=%d %s elapsed_s=%.0f%n",
              run, (clock.nowMs - start) / 3_600_000.0, store.reportCount(), line(sizes),
              (System.nanoTime() - began) / 1e9);
        }
      }
    }
  }

  /**
   * {@code count} reports of 1,000 nodes, nothing expired: bytes per report. Every
   * {@code changedEvery}th report has changes (0: none has).
   */
  private void perReport(Backend backend, String name, int count, int changedEvery)
      throws IOException {
    try (Store store = backend.open(name)) {
      Map<String, Long> empty = backend.measure(store, name, true);
      long start = Instant.parse("2026-02-02T00:00:00Z").toEpochMilli();
      int fleet = 1_000;
      long intervalMs = 30 * 60_000L;
      long protoBytes = 0;
      for (int i = 0; i < count; i++) {
        long at = start + (long) (i / fleet) * intervalMs + (i % fleet) * intervalMs / fleet;
        boolean changes = changedEvery > 0 && i % changedEvery == 0;
        Report report = report(name(i % fleet), digest(i % fleet), at, changes);
        protoBytes += report.getSerializedSize();
        store.addReport(report);
      }
      Map<String, Long> full = backend.measure(store, name, true);
      String key = full.containsKey("dir_bytes_compacted") ? "dir_bytes_compacted"
          : "database_bytes";
      System.out.printf("%s_reports=%d report_proto_bytes=%.0f reports_bytes=%d "
          + "reports_bytes_per_report=%.0f %s_growth_per_report=%.0f%n", name, count,
          protoBytes / (double) count, full.get("reports_bytes"),
          full.get("reports_bytes") / (double) count, key,
          (full.get(key) - empty.get(key)) / (double) count);
    }
  }

  private static String line(Map<String, Long> sizes) {
    StringBuilder out = new StringBuilder();
    sizes.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
    return out.toString();
  }

  private static String name(int n) {
    return String.format("node%05d.example.com", n);
  }

  /** Text that does not compress, as hashes and generated values do not. */
  private String text(int length) {
    byte[] bytes = new byte[(length + 1) / 2];
    random.nextBytes(bytes);
    return HEX.formatHex(bytes).substring(0, length);
  }

  private String digest(int seed) {
    return "sha256:" + HEX.formatHex(new Random(seed).ints(32, 0, 256)
        .collect(java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { })
        .toByteArray());
  }

  /**
   * About 60 facts: most stay the same for a node, a few (uptime, memory, load, the process
   * count) change at every run, as a real node's do.
   */
  private Facts facts(int n) {
    Facts.Builder facts = Facts.newBuilder();
    Random stable = new Random(n);
    for (int i = 0; i < 55; i++) {
      facts.putValues("fact_" + i, str("value-" + Long.toHexString(stable.nextLong())
          + "-" + Long.toHexString(stable.nextLong())));
    }
    facts.putValues("uptime_seconds", str(Long.toString(random.nextInt(10_000_000))));
    facts.putValues("memory_free_bytes", str(Long.toString(random.nextLong() >>> 20)));
    facts.putValues("load_averages", str(random.nextDouble() + " " + random.nextDouble()));
    facts.putValues("processes", str(text(64)));
    facts.putValues("boot_id", str(UUID.randomUUID().toString()));
    return facts.build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** A node's catalog: files, packages and services, with content and checksums. */
  private Catalog baseCatalog(int n) {
    Catalog.Builder catalog = Catalog.newBuilder().setNode(name(n))
        .setCodeVersion(text(40)).setEnvironment("production");
    for (int r = 0; r < resources; r++) {
      Resource.Builder resource = Resource.newBuilder()
          .setSource(SourceLocation.newBuilder().setFile("modules/app/manifests/init.groovy")
              .setLine(10 + r % 200))
          .addContainers("class[app]");
      switch (r % 3) {
        case 0 -> resource.setType("file").setTitle("/etc/app/conf.d/" + r + ".conf")
            .putParameters("content", str(text(80)))
            .putParameters("mode", str("0644")).putParameters("owner", str("root"));
        case 1 -> resource.setType("pkg").setTitle("package-" + r)
            .putParameters("ensure", str("1." + r + "-" + text(8)));
        default -> resource.setType("service").setTitle("service-" + r)
            .putParameters("ensure", str("running")).putParameters("enable", str("true"));
      }
      catalog.addResources(resource);
    }
    return catalog.setDigest(digest(n)).build();
  }

  /** The catalog the next compile makes: a few contents changed, from the churned facts. */
  private Catalog churned(Catalog catalog) {
    Catalog.Builder next = catalog.toBuilder().setDigest("sha256:" + text(64));
    for (int i = 0; i < 5; i++) {
      int r = random.nextInt(resources / 3) * 3; // a file
      next.setResources(r, next.getResources(r).toBuilder()
          .putParameters("content", str(text(80))));
    }
    return next.build();
  }

  /** A run's report: quiet (counts only) or with three changed files, one of them drift. */
  private Report report(String node, String digest, long at, boolean changes) {
    Report.Builder report = Report.newBuilder().setId(UUID.randomUUID().toString())
        .setNode(node).setCodeVersion("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
        .setCatalogDigest(digest).setStartedAtMs(at).setReceivedAtMs(at + 2_000)
        .setCatalogOrigin(CatalogOrigin.FRESH).setTrigger(RunTrigger.SCHEDULED)
        .setTimings(PhaseTimings.newBuilder().setFactsMs(120).setFetchMs(85)
            .setApplyMs(1_400 + random.nextInt(300)).setReportMs(12));
    ReportSummary.Builder summary = ReportSummary.newBuilder().setResources(resources)
        .setSeconds(1.6 + random.nextDouble());
    if (!changes) {
      return report.setStatus(RunStatus.UNCHANGED).setSummary(summary).build();
    }
    for (int i = 0; i < 3; i++) {
      report.addResources(ResourceResult.newBuilder()
          .setKey("file[/etc/app/conf.d/" + random.nextInt(resources) + ".conf]")
          .setStatus(ResourceStatus.CHANGED)
          .addEvents(Event.newBuilder().setProperty("content")
              .setBefore("{sha256}" + text(64)).setAfter("{sha256}" + text(64))
              .setStatus(EventStatus.APPLIED)
              .setKind(i == 0 ? ChangeKind.DRIFT : ChangeKind.INTENDED)
              .setDiff("--- a\n+++ b\n@@ -1 +1 @@\n-" + text(80) + "\n+" + text(80) + "\n")));
    }
    return report.setStatus(RunStatus.CHANGED_RUN)
        .setSummary(summary.setChanged(3).setDriftEvents(1).setIntendedEvents(2)).build();
  }
}
