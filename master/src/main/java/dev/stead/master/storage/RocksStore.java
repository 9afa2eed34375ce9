package dev.stead.master.storage;

import static dev.stead.master.storage.RocksFamilies.ZERO;
import static dev.stead.master.storage.RocksFamilies.concat;
import static dev.stead.master.storage.RocksFamilies.key;
import static dev.stead.master.storage.RocksFamilies.parse;
import static dev.stead.master.storage.RocksFamilies.startsWith;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.PendingRequests;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RunRequest;
import dev.stead.wire.CatalogEncodings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.TableProperties;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link Store} on embedded RocksDB: one column family per kind, values as protobuf bytes.
 *
 * <p>Reports are kept by id and indexed twice, by node and by time, with the start time
 * inverted in big-endian so that a forward scan yields the newest first: "latest N of node
 * X" and "latest N overall" are one seek each. Index keys are
 * {@code node \0 (MAX-start) \0 id} and {@code (MAX-start) \0 id}. Two more indexes serve
 * queries by run status ({@code statusNumber(4 bytes) (MAX-start) \0 id}) and by resource
 * ({@code type[title] \0 (MAX-start) \0 id}, for every resource a report lists).
 *
 * <p>Expiry deletes old reports with their index entries and then compacts the report
 * families, which is what drops the tombstones and gives the bytes back to the disk.
 *
 * <p>Certificate records live in two families: issued certificates as
 * {@link CertificateStatus} and pending requests as {@link PendingRequests}, replaced
 * atomically.
 *
 * <p>RocksDB lets one process open a database; a second master on the same directory gets
 * an {@link IOException} naming it.
 */
public final class RocksStore implements Store {
  private static final String FACTS = "facts";
  private static final String CATALOGS = "catalogs";
  private static final String NODES = "nodes";
  private static final String REPORTS = "reports";
  private static final String REPORTS_BY_NODE = "reports_by_node";
  private static final String REPORTS_BY_TIME = "reports_by_time";
  private static final String REPORTS_BY_STATUS = "reports_by_status";
  private static final String REPORTS_BY_RESOURCE = "reports_by_resource";
  private static final String CERTS = "certs";
  private static final String CSRS = "csrs";
  // Revoked serials (upper-case hex) -> RevokedCertificate; outlive the certificate record.
  private static final String REVOCATIONS = "revocations";
  // Node name -> NodeClassification: what operators set on nodes (mode=audit, ...).
  private static final String CLASSIFICATIONS = "classifications";
  // Drift exceptions, node \0 id -> DriftException; kept after expiry (the audit trail).
  private static final String EXCEPTIONS = "exceptions";
  // Operators' decisions that leave no other record (accept, mode changes):
  // inverted time, node \0, a sequence number -> ChangeRecord; kept like the audit trail.
  private static final String DECISIONS = "decisions";
  // Node name -> Catalog holding only node, environment and exports: what other nodes may
  // collect, kept apart so that collecting never parses whole catalogs.
  private static final String EXPORTS = "exports";
  // Rollout id -> Rollout: staged rollouts, kept after they end.
  private static final String ROLLOUTS = "rollouts";
  // Node name -> CompileMemo: what the node's last cacheable compile read and gave.
  private static final String COMPILE_MEMOS = "compile_memos";
  private static final List<String> FAMILIES =
      List.of(FACTS, CATALOGS, NODES, REPORTS, REPORTS_BY_NODE, REPORTS_BY_TIME, CERTS, CSRS,
          REVOCATIONS, REPORTS_BY_STATUS, REPORTS_BY_RESOURCE, EXCEPTIONS, CLASSIFICATIONS,
          DECISIONS, RocksJobs.JOBS, RocksJobs.JOB_NODES, RocksJobs.RUN_REQUESTS,
          RocksJobs.MASTERS, RocksJobs.STREAMS, EXPORTS, ROLLOUTS, COMPILE_MEMOS);
  /** Families holding reports or their indexes: what expiry deletes from and compacts. */
  private static final List<String> REPORT_FAMILIES =
      List.of(REPORTS, REPORTS_BY_NODE, REPORTS_BY_TIME, REPORTS_BY_STATUS, REPORTS_BY_RESOURCE);
  /** Deletes per write batch while expiring, so that one batch stays small. */
  private static final int EXPIRY_BATCH = 500;

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final DBOptions dbOptions;
  /** The families' options (the default, the catalogs', the reports'), closed at the end. */
  private final List<ColumnFamilyOptions> familyOptions;
  /** The bound on RocksDB's memory, closed after the database. */
  private final RocksMemory memory;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final Map<String, ColumnFamilyHandle> families;
  private final WriteOptions writeOptions;
  private final WriteOptions syncWriteOptions;
  /** Makes stored reports durable in groups; null when reports are left in the OS's buffers. */
  private final WalGroupSync reportSyncs;
  /** Held while expiry deletes reports, so that it reads each report and its index whole. */
  private final Object expiryLock = new Object();
  /** Reports being written, by id: another submit of the id waits for the outcome. */
  private final Map<String, CompletableFuture<Boolean>> reportsInFlight =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** The database's families and the reads and writes every part of the store shares. */
  private final RocksFamilies rocks;
  private final RocksJobs jobs;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object rolloutUpdates = new Object();
  private final AtomicLong reportsAdded = new AtomicLong();
  // Only the process that opened the database serves from it: its own record, in memory.
  private final Map<String, MasterRecord> masters =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  private RocksStore(Path directory, DBOptions dbOptions, List<ColumnFamilyOptions> familyOptions,
      RocksMemory memory, RocksDB db, List<ColumnFamilyHandle> handles,
      Map<String, ColumnFamilyHandle> families, ReportSync reportSync) {
    this.directory = directory;
    this.dbOptions = dbOptions;
    this.familyOptions = familyOptions;
    this.memory = memory;
    this.db = db;
    this.handles = handles;
    this.families = families;
    this.writeOptions = new WriteOptions();
    // Certificates are rare and precious: an fsync per write is worth it.
    this.syncWriteOptions = new WriteOptions().setSync(true);
    // Reports: the agent deletes its spooled copy once we answer, so an acknowledged report
    // must survive an OS crash, not only this process's death (docs/performance.md). Written
    // unsynced, then synced in groups beside the write queue (WalGroupSync).
    this.reportSyncs = reportSync == ReportSync.EVERY_WRITE ? new WalGroupSync(db::syncWal)
        : null;
    this.rocks = new RocksFamilies(directory, db, families, closed);
    this.jobs = new RocksJobs(rocks, writeOptions, syncWriteOptions);
  }

  /** When a stored report is on disk, relative to {@link #addReport} returning. */
  public enum ReportSync {
    /**
     * The log is synced before {@code addReport} returns: an acknowledged report survives an
     * OS crash or power loss. What the master uses. Reports written meanwhile share a sync.
     */
    EVERY_WRITE,
    /**
     * The log is left in the OS's buffers: a report survives the death of the process but not
     * of the machine. Only for measuring what syncing costs and for throwaway stores.
     */
    OS_BUFFERED
  }

  /** Opens (creating when missing) the database in {@code directory}; reports synced. */
  public static RocksStore open(Path directory) throws IOException {
    return open(directory, ReportSync.EVERY_WRITE);
  }

  /**
   * The most bytes of write-ahead log kept before RocksDB flushes the families that hold the
   * oldest log file. RocksDB deletes a log file only once every family with data in it has
   * flushed, and a family written rarely (certificates, classifications) fills its memtable
   * almost never: without this bound one such write pins every later log file. RocksDB's
   * default bound is four times all memtables together, here gigabytes, which a master then
   * replays at every start.
   */
  static final long MAX_TOTAL_WAL_BYTES = 64L << 20;

  /**
   * RocksDB's own text log ({@code LOG}) starts a new file past this size, of which it keeps
   * five. By default it rolls only when the database is opened, so a master that runs for
   * months grows one log without end: every flush and compaction (retention compacts the
   * reports hourly) and the statistics dumped every ten minutes add to it.
   */
  static final long MAX_INFO_LOG_BYTES = 1L << 20;

  /**
   * The {@code MANIFEST} (every flush and compaction appends to it) starts afresh past this
   * size, from a snapshot of the current files; RocksDB's default is 1 GB.
   */
  static final long MAX_MANIFEST_BYTES = 16L << 20;

  /** As {@link #open(Path)}, with reports written as {@code reportSync} says. */
  public static RocksStore open(Path directory, ReportSync reportSync) throws IOException {
    return open(directory, reportSync, MAX_TOTAL_WAL_BYTES);
  }

  /** As {@link #open(Path, ReportSync)}; {@code maxTotalWalBytes} 0: RocksDB's default. */
  static RocksStore open(Path directory, ReportSync reportSync, long maxTotalWalBytes)
      throws IOException {
    Files.createDirectories(directory);
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setKeepLogFileNum(5)
        .setMaxLogFileSize(MAX_INFO_LOG_BYTES)
        .setMaxManifestFileSize(MAX_MANIFEST_BYTES)
        .setMaxTotalWalSize(maxTotalWalBytes);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
    RocksMemory memory = new RocksMemory().applyTo(dbOptions, cfOptions);
    ColumnFamilyOptions catalogOptions = largeValues(new ColumnFamilyOptions(cfOptions));
    ColumnFamilyOptions reportOptions = memory.withKeyFilter(new ColumnFamilyOptions(cfOptions));
    // Open every family the database already has (a newer master may have added some),
    // plus ours.
    List<String> names = new ArrayList<>();
    names.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
    try (Options listOptions = new Options()) {
      if (Files.exists(directory.resolve("CURRENT"))) {
        for (byte[] existing : RocksDB.listColumnFamilies(listOptions, directory.toString())) {
          String name = new String(existing, StandardCharsets.UTF_8);
          if (!names.contains(name)) {
            names.add(name);
          }
        }
      }
    } catch (RocksDBException e) {
      closeQuietly(dbOptions, cfOptions, catalogOptions, reportOptions, memory);
      throw new IOException("cannot read the database in " + directory + ": " + e.getMessage(), e);
    }
    for (String name : FAMILIES) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : names) {
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8),
          name.equals(CATALOGS) ? catalogOptions
              : name.equals(REPORTS) ? reportOptions : cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      closeQuietly(dbOptions, cfOptions, catalogOptions, reportOptions, memory);
      String message = String.valueOf(e.getMessage());
      if (message.contains("lock")) {
        throw new IOException("the database " + directory
            + " is in use by another process (is a master already running?)", e);
      }
      throw new IOException("cannot open the database " + directory + ": " + message, e);
    }
    Map<String, ColumnFamilyHandle> families = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      families.put(names.get(i), handles.get(i));
    }
    return new RocksStore(directory, dbOptions, List.of(cfOptions, catalogOptions, reportOptions),
        memory, db, handles, families, reportSync);
  }

  /** Catalogs of this size and more go to blob files. */
  static final long MIN_BLOB_BYTES = 16L << 10;

  /**
   * {@code options} for a family of large values overwritten often: catalogs, hundreds of
   * kilobytes each, replaced at every run whose facts changed. In table files, every
   * compaction rewrote them level after level: the compaction thread took a fifth of the
   * master's CPU with 1,000-resource catalogs at 10 runs/s. In blob files (RocksDB's
   * integrated BlobDB) a compaction moves only keys and blob references; a blob file is
   * deleted once nothing refers to it, and live catalogs are moved out of the oldest files
   * (garbage collection) so that those can go.
   */
  static ColumnFamilyOptions largeValues(ColumnFamilyOptions options) {
    return options.setEnableBlobFiles(true)
        .setMinBlobSize(MIN_BLOB_BYTES)
        .setBlobFileSize(64L << 20)
        .setBlobCompressionType(CompressionType.LZ4_COMPRESSION)
        .setEnableBlobGarbageCollection(true)
        .setBlobGarbageCollectionAgeCutoff(0.25)
        // A blob file half garbage gets the table files that refer to it compacted, even
        // when nothing else would compact them.
        .setBlobGarbageCollectionForceThreshold(0.5);
  }

  @Override
  public void putFacts(String node, Facts facts) {
    rocks.put(FACTS, key(node), facts, writeOptions);
  }

  @Override
  public Optional<Facts> facts(String node) {
    return rocks.get(FACTS, key(node), Facts.parser());
  }

  @Override
  public void putCatalog(String node, Catalog catalog) {
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(rocks.family(CATALOGS), key(node), CatalogEncodings.encoded(catalog));
      if (catalog.getExportsCount() == 0) {
        batch.delete(rocks.family(EXPORTS), key(node));
      } else {
        batch.put(rocks.family(EXPORTS), key(node), Catalog.newBuilder().setNode(node)
            .setEnvironment(catalog.getEnvironment()).addAllExports(catalog.getExportsList())
            .build().toByteArray());
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw rocks.failure("write to " + CATALOGS, e);
    }
  }

  @Override
  public java.util.SortedMap<String, List<dev.stead.proto.v1.Resource>> exports(
      String environment) {
    java.util.SortedMap<String, List<dev.stead.proto.v1.Resource>> out = new java.util.TreeMap<>();
    try (RocksIterator it = db.newIterator(rocks.family(EXPORTS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        Catalog exported = parse(it.value(), Catalog.parser());
        if (exported.getEnvironment().equals(environment)) {
          out.put(new String(it.key(), StandardCharsets.UTF_8), exported.getExportsList());
        }
      }
      rocks.check(it);
    }
    return java.util.Collections.unmodifiableSortedMap(out);
  }

  @Override
  public Optional<Catalog> catalog(String node) {
    return rocks.get(CATALOGS, key(node), Catalog.parser());
  }

  @Override
  public Optional<String> catalogDigest(String node) {
    // Only the digest field is decoded; the resources are skipped over, not parsed.
    byte[] body = rocks.getBytes(CATALOGS, key(node));
    return body == null ? Optional.empty() : Optional.of(CatalogDigest.read(body));
  }

  @Override
  public void removeCatalog(String node) {
    try (WriteBatch batch = new WriteBatch()) {
      batch.delete(rocks.family(CATALOGS), key(node));
      batch.delete(rocks.family(EXPORTS), key(node));
      batch.delete(rocks.family(COMPILE_MEMOS), key(node));
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw rocks.failure("remove from " + CATALOGS, e);
    }
  }

  @Override
  public void putCompileMemo(String node, dev.stead.proto.v1.CompileMemo memo) {
    rocks.put(COMPILE_MEMOS, key(node), memo, writeOptions);
  }

  @Override
  public Optional<dev.stead.proto.v1.CompileMemo> compileMemo(String node) {
    return rocks.get(COMPILE_MEMOS, key(node), dev.stead.proto.v1.CompileMemo.parser());
  }

  @Override
  public void putNode(NodeInfo node) {
    rocks.put(NODES, key(node.getName()), node, writeOptions);
  }

  @Override
  public Optional<NodeInfo> node(String name) {
    return rocks.get(NODES, key(name), NodeInfo.parser());
  }

  @Override
  public List<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(NODES))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(parse(it.value(), NodeInfo.parser()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public List<NodeActivity> activity() {
    List<NodeActivity> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(NODES))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(NodeActivity.fromStored(new String(it.key(), StandardCharsets.UTF_8),
            it.value()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public boolean addReport(Report report) {
    if (report.getId().isEmpty() || report.getNode().isEmpty()) {
      throw new IllegalArgumentException("a report needs an id and a node");
    }
    if (report.getStartedAtMs() < 0) {
      throw new IllegalArgumentException("report started_at_ms is negative");
    }
    byte[] id = key(report.getId());
    byte[] time = invertedTime(report.getStartedAtMs());
    // The existence check and the write must not interleave with another submit of the id;
    // submits of other ids write side by side, so that RocksDB syncs their batches to the
    // log together (one fsync for the group) instead of one after the other.
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    for (CompletableFuture<Boolean> other;
        (other = reportsInFlight.putIfAbsent(report.getId(), mine)) != null; ) {
      if (other.join()) {
        return false; // stored by the other submit
      }
      // its write failed: this submit tries
    }
    boolean stored = false;
    try {
      if (rocks.getBytes(REPORTS, id) != null) {
        // A retry: "already stored" must mean on disk too, and the first submit's write may
        // still wait for its sync, or have seen it fail (then this one fails as well).
        if (reportSyncs != null) {
          reportSyncs.afterWrite();
        }
        stored = true;
        return false;
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(rocks.family(REPORTS), id, report.toByteArray());
        batch.put(rocks.family(REPORTS_BY_NODE),
            concat(key(report.getNode()), ZERO, time, ZERO, id), id);
        batch.put(rocks.family(REPORTS_BY_TIME), concat(time, ZERO, id), id);
        batch.put(rocks.family(REPORTS_BY_STATUS),
            concat(statusKey(report.getStatus()), time, ZERO, id), id);
        for (byte[] resource : resourceKeys(report)) {
          batch.put(rocks.family(REPORTS_BY_RESOURCE), concat(resource, ZERO, time, ZERO, id), id);
        }
        db.write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw rocks.failure("store report " + report.getId(), e);
      }
      if (reportSyncs != null) {
        reportSyncs.afterWrite();
      }
      stored = true;
      reportsAdded.incrementAndGet();
      return true;
    } finally {
      reportsInFlight.remove(report.getId(), mine);
      mine.complete(stored);
    }
  }

  @Override
  public Optional<Report> report(String id) {
    return rocks.get(REPORTS, key(id), Report.parser());
  }

  @Override
  public List<Report> reportsWithIdPrefix(String prefix, int limit) {
    byte[] start = key(prefix);
    List<Report> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(REPORTS))) {
      for (it.seek(start); it.isValid() && out.size() < limit; it.next()) {
        if (!startsWith(it.key(), start)) {
          break;
        }
        out.add(parse(it.value(), Report.parser()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public List<Report> reports(String node, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    String index = node.isEmpty() ? REPORTS_BY_TIME : REPORTS_BY_NODE;
    byte[] prefix = node.isEmpty() ? new byte[0] : concat(key(node), ZERO);
    List<Report> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(index))) {
      for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
        if (!startsWith(it.key(), prefix)) {
          break;
        }
        byte[] value = rocks.getBytes(REPORTS, it.value());
        if (value != null) {
          out.add(parse(value, Report.parser()));
        }
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public void scanReports(ReportQuery query, Predicate<Report> visitor) {
    String index;
    byte[] prefix;
    if (!query.resource().isEmpty()) {
      index = REPORTS_BY_RESOURCE;
      prefix = concat(key(query.resource()), ZERO);
    } else if (!query.node().isEmpty()) {
      index = REPORTS_BY_NODE;
      prefix = concat(key(query.node()), ZERO);
    } else if (query.status() != dev.stead.proto.v1.RunStatus.RUN_STATUS_UNSPECIFIED) {
      index = REPORTS_BY_STATUS;
      prefix = statusKey(query.status());
    } else {
      index = REPORTS_BY_TIME;
      prefix = new byte[0];
    }
    // Keys run newest first: start at `until`, stop once past `since`.
    byte[] start = query.untilMs() == 0 ? prefix : concat(prefix, invertedTime(query.untilMs()));
    try (RocksIterator it = db.newIterator(rocks.family(index))) {
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] indexKey = it.key();
        if (!startsWith(indexKey, prefix)) {
          break;
        }
        long startedAt = Long.MAX_VALUE
            - ByteBuffer.wrap(indexKey, prefix.length, Long.BYTES).getLong();
        if (startedAt < query.sinceMs()) {
          break;
        }
        byte[] value = rocks.getBytes(REPORTS, it.value());
        if (value == null) {
          continue;
        }
        Report report = parse(value, Report.parser());
        if (query.matches(report) && !visitor.test(report)) {
          break;
        }
      }
      rocks.check(it);
    }
  }

  @Override
  public int expireReports(long cutoffMs) {
    // Newest first, so everything from `cutoff - 1` on is older than the cutoff.
    return deleteReports(invertedTime(Math.max(0, cutoffMs - 1)), null);
  }

  @Override
  public int expireReportsStartedAfter(long latestMs) {
    if (latestMs == Long.MAX_VALUE) {
      return 0;
    }
    // Newest first, so everything before the key of `latest` started after it.
    return deleteReports(new byte[0], invertedTime(latestMs));
  }

  /**
   * Deletes the reports whose by-time index keys lie in {@code [from, to)} ({@code to} null:
   * to the end), with every index entry, then compacts when something was deleted.
   */
  private int deleteReports(byte[] from, byte[] to) {
    int deleted = 0;
    synchronized (expiryLock) {
      while (true) {
        int batchCount = 0;
        try (RocksIterator it = db.newIterator(rocks.family(REPORTS_BY_TIME));
            WriteBatch batch = new WriteBatch()) {
          for (it.seek(from); it.isValid() && batchCount < EXPIRY_BATCH; it.next()) {
            if (to != null && Arrays.compareUnsigned(it.key(), to) >= 0) {
              break;
            }
            byte[] id = it.value();
            batch.delete(rocks.family(REPORTS_BY_TIME), it.key());
            byte[] value = rocks.getBytes(REPORTS, id);
            if (value != null) {
              Report report = parse(value, Report.parser());
              byte[] time = invertedTime(report.getStartedAtMs());
              batch.delete(rocks.family(REPORTS_BY_NODE),
                  concat(key(report.getNode()), ZERO, time, ZERO, id));
              batch.delete(rocks.family(REPORTS_BY_STATUS),
                  concat(statusKey(report.getStatus()), time, ZERO, id));
              for (byte[] resource : resourceKeys(report)) {
                batch.delete(rocks.family(REPORTS_BY_RESOURCE),
                    concat(resource, ZERO, time, ZERO, id));
              }
              batch.delete(rocks.family(REPORTS), id);
            }
            batchCount++;
          }
          rocks.check(it);
          if (batchCount == 0) {
            break;
          }
          db.write(writeOptions, batch);
        } catch (RocksDBException e) {
          throw rocks.failure("expire reports", e);
        }
        deleted += batchCount;
      }
    }
    if (deleted > 0) {
      compactReports();
    }
    return deleted;
  }

  private void compactReports() {
    try {
      for (String name : REPORT_FAMILIES) {
        // Flush first: tombstones still in a memtable would survive the compaction.
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
          db.flush(flush, rocks.family(name));
        }
        db.compactRange(rocks.family(name));
      }
    } catch (RocksDBException e) {
      throw rocks.failure("compact the reports", e);
    }
  }

  @Override
  public Map<String, Long> sizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    long sst = 0;
    long blobs = 0;
    long live = 0;
    long memtables = 0;
    try {
      for (Map.Entry<String, ColumnFamilyHandle> entry : families.entrySet()) {
        ColumnFamilyHandle handle = rocks.family(entry.getKey());
        long familySst = db.getLongProperty(handle, "rocksdb.total-sst-files-size");
        sizes.put("sst_files." + entry.getKey(), familySst);
        sst += familySst;
        blobs += db.getLongProperty(handle, "rocksdb.total-blob-file-size");
        live += db.getLongProperty(handle, "rocksdb.estimate-live-data-size");
        memtables += db.getLongProperty(handle, "rocksdb.cur-size-all-mem-tables");
      }
    } catch (RocksDBException e) {
      throw rocks.failure("read the database sizes", e);
    }
    long reports = 0;
    for (String name : REPORT_FAMILIES) {
      reports += sizes.get("sst_files." + name);
    }
    long wal = walBytes();
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("total", sst + blobs + wal);
    out.put("reports", reports);
    out.put("wal_files", wal);
    out.put("sst_files", sst);
    out.put("blob_files", blobs);
    out.put("live_data", live);
    out.put("memtables", memtables);
    out.putAll(sizes);
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Bytes of the write-ahead log files (*.log) in the database directory. */
  private long walBytes() {
    try (var files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log"))
          .mapToLong(f -> {
            try {
              return Files.size(f);
            } catch (IOException e) {
              return 0; // deleted by RocksDB while we listed: no longer takes room
            }
          }).sum();
    } catch (IOException e) {
      throw new StoreException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Flushes and compacts every family, so that overwritten and deleted values stop taking
   * room: what RocksDB does by itself over time, done at once (tests and the benches measure
   * with it). The last level's files are rewritten too, so that every file is written with
   * the current table options.
   */
  public void compactAll() {
    flush();
    try (CompactRangeOptions everything = new CompactRangeOptions()
        .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
      for (ColumnFamilyHandle handle : families.values()) {
        db.compactRange(handle, null, null, everything);
      }
    } catch (RocksDBException e) {
      throw rocks.failure("compact", e);
    }
  }

  /** The table files of {@code family} with their properties (how each was written). */
  Map<String, TableProperties> tableProperties(String family) {
    try {
      return db.getPropertiesOfAllTables(rocks.family(family));
    } catch (RocksDBException e) {
      throw rocks.failure("read the table properties of " + family, e);
    }
  }

  @Override
  public void flush() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, new ArrayList<>(families.values()));
    } catch (RocksDBException e) {
      throw rocks.failure("flush", e);
    }
  }

  @Override
  public void checkpoint(Path target) {
    if (Files.exists(target)) {
      throw new IllegalArgumentException("the checkpoint directory " + target
          + " already exists");
    }
    rocks.family(REPORTS); // fails when closed
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      checkpoint.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw rocks.failure("write a checkpoint to " + target, e);
    }
  }

  @Override
  public long reportsAdded() {
    return reportsAdded.get();
  }

  /**
   * How many times this process synced the database log to disk since it opened the store:
   * the synced writes in RocksDB's cumulative WAL statistics and the syncs that made groups of
   * reports durable. What shows that acknowledged writes were synced.
   */
  public long walSyncs() {
    return syncedWrites() + (reportSyncs == null ? 0 : reportSyncs.syncs());
  }

  private long syncedWrites() {
    String stats;
    try {
      stats = db.getProperty("rocksdb.dbstats");
    } catch (RocksDBException e) {
      throw rocks.failure("read the database statistics", e);
    }
    java.util.regex.Matcher m = WAL_SYNCS.matcher(stats);
    if (!m.find()) {
      throw new StoreException("no WAL statistics in RocksDB's dbstats: " + stats, null);
    }
    return parseCount(m.group(1), m.group(2));
  }

  /** "Cumulative WAL: 12 writes, 12 syncs, ..."; large counts read "12K" or "3M". */
  private static final java.util.regex.Pattern WAL_SYNCS =
      java.util.regex.Pattern.compile("Cumulative WAL: \\S+ writes, (\\d+)([KMGT]?) syncs");

  private static long parseCount(String digits, String unit) {
    long n = Long.parseLong(digits);
    return switch (unit) {
      case "K" -> n * 1_000L;
      case "M" -> n * 1_000_000L;
      case "G" -> n * 1_000_000_000L;
      case "T" -> n * 1_000_000_000_000L;
      default -> n;
    };
  }

  @Override
  public long reportCount() {
    try {
      return db.getLongProperty(rocks.family(REPORTS), "rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      throw rocks.failure("count the reports", e);
    }
  }

  @Override
  public void putCertificate(CertificateRecord record) {
    byte[] name = key(record.certname());
    try (WriteBatch batch = new WriteBatch()) {
      if (record.state() == CertificateState.PENDING) {
        batch.put(rocks.family(CSRS), name, PendingRequests.newBuilder()
            .addAllCsrPem(record.csrPems()).build().toByteArray());
        batch.delete(rocks.family(CERTS), name);
      } else {
        CertificateStatus status = CertificateStatus.newBuilder()
            .setCertname(record.certname())
            .setState(record.state())
            .setCertificatePem(record.certificatePem())
            .build();
        batch.put(rocks.family(CERTS), name, status.toByteArray());
        batch.delete(rocks.family(CSRS), name);
      }
      db.write(syncWriteOptions, batch);
    } catch (RocksDBException e) {
      throw rocks.failure("store the certificate record of " + record.certname(), e);
    }
  }

  @Override
  public Optional<CertificateRecord> certificate(String certname) {
    Optional<CertificateStatus> issued =
        rocks.get(CERTS, key(certname), CertificateStatus.parser());
    if (issued.isPresent()) {
      return issued.map(RocksStore::record);
    }
    byte[] csrs = rocks.getBytes(CSRS, key(certname));
    return csrs == null ? Optional.empty()
        : Optional.of(CertificateRecord.pending(certname, pendingCsrs(csrs)));
  }

  @Override
  public List<CertificateRecord> certificates() {
    Map<String, CertificateRecord> byName = new TreeMap<>();
    try (RocksIterator it = db.newIterator(rocks.family(CSRS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String name = new String(it.key(), StandardCharsets.UTF_8);
        byName.put(name, CertificateRecord.pending(name, pendingCsrs(it.value())));
      }
      rocks.check(it);
    }
    try (RocksIterator it = db.newIterator(rocks.family(CERTS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        CertificateRecord record = record(parse(it.value(), CertificateStatus.parser()));
        byName.put(record.certname(), record);
      }
      rocks.check(it);
    }
    return List.copyOf(byName.values());
  }

  @Override
  public void deleteCertificate(String certname) {
    byte[] name = key(certname);
    try (WriteBatch batch = new WriteBatch()) {
      batch.delete(rocks.family(CERTS), name);
      batch.delete(rocks.family(CSRS), name);
      db.write(syncWriteOptions, batch);
    } catch (RocksDBException e) {
      throw rocks.failure("delete the certificate record of " + certname, e);
    }
  }

  @Override
  public void putRevocation(dev.stead.proto.v1.RevokedCertificate revocation) {
    if (revocation.getSerial().isEmpty()) {
      throw new IllegalArgumentException("a revocation needs a serial");
    }
    rocks.put(REVOCATIONS, key(revocation.getSerial()), revocation, syncWriteOptions);
  }

  @Override
  public List<dev.stead.proto.v1.RevokedCertificate> revocations() {
    List<dev.stead.proto.v1.RevokedCertificate> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(REVOCATIONS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(parse(it.value(), dev.stead.proto.v1.RevokedCertificate.parser()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public void putClassification(dev.stead.proto.v1.NodeClassification classification) {
    if (classification.getNode().isEmpty()) {
      throw new IllegalArgumentException("a classification needs a node");
    }
    byte[] name = key(classification.getNode());
    try {
      // Operator decisions are rare and must not be lost: synced like certificates.
      if (classification.getValuesMap().isEmpty()) {
        db.delete(rocks.family(CLASSIFICATIONS), syncWriteOptions, name);
      } else {
        db.put(rocks.family(CLASSIFICATIONS), syncWriteOptions, name, classification.toByteArray());
      }
    } catch (RocksDBException e) {
      throw rocks.failure("store the classification of " + classification.getNode(), e);
    }
  }

  @Override
  public Optional<dev.stead.proto.v1.NodeClassification> classification(String node) {
    return rocks.get(CLASSIFICATIONS, key(node), dev.stead.proto.v1.NodeClassification.parser());
  }

  @Override
  public List<dev.stead.proto.v1.NodeClassification> classifications() {
    List<dev.stead.proto.v1.NodeClassification> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(CLASSIFICATIONS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(parse(it.value(), dev.stead.proto.v1.NodeClassification.parser()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public void putException(dev.stead.proto.v1.DriftException exception) {
    if (exception.getId().isEmpty() || exception.getNode().isEmpty()
        || exception.getNode().indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a drift exception needs an id and a node");
    }
    rocks.put(EXCEPTIONS, concat(key(exception.getNode()), ZERO, key(exception.getId())), exception,
        syncWriteOptions);
  }

  @Override
  public List<dev.stead.proto.v1.DriftException> exceptions(String node) {
    byte[] prefix = node.isEmpty() ? new byte[0] : concat(key(node), ZERO);
    List<dev.stead.proto.v1.DriftException> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(EXCEPTIONS))) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        out.add(parse(it.value(), dev.stead.proto.v1.DriftException.parser()));
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  @Override
  public void addDecision(dev.stead.proto.v1.ChangeRecord decision) {
    if (decision.getNode().isEmpty() || decision.getNode().indexOf('\0') >= 0
        || decision.getDecision().isEmpty() || decision.getTimeMs() < 0) {
      throw new IllegalArgumentException("a decision needs a node, what was decided and a time");
    }
    // Two decisions of one node in the same millisecond keep their order by the sequence.
    byte[] sequence = ByteBuffer.allocate(Long.BYTES).putLong(DECISION_SEQUENCE.incrementAndGet())
        .array();
    rocks.put(DECISIONS, concat(invertedTime(decision.getTimeMs()), key(decision.getNode()), ZERO,
        sequence), decision, syncWriteOptions);
  }

  @Override
  public List<dev.stead.proto.v1.ChangeRecord> decisions(long sinceMs, long untilMs) {
    List<dev.stead.proto.v1.ChangeRecord> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(DECISIONS))) {
      it.seek(untilMs == 0 ? new byte[0] : invertedTime(untilMs));
      for (; it.isValid(); it.next()) {
        dev.stead.proto.v1.ChangeRecord d =
            parse(it.value(), dev.stead.proto.v1.ChangeRecord.parser());
        if (d.getTimeMs() < sinceMs) {
          break;
        }
        out.add(d);
      }
      rocks.check(it);
    }
    return List.copyOf(out);
  }

  // --- runs on demand: RocksJobs ---

  @Override
  public void createJob(JobStatus job) {
    jobs.createJob(job);
  }

  @Override
  public Optional<JobStatus> job(String id) {
    return jobs.job(id);
  }

  @Override
  public List<JobStatus> unfinishedJobs() {
    return jobs.unfinishedJobs();
  }

  @Override
  public boolean moveJobNode(String jobId, JobNode next, Set<JobNodeState> from) {
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
  public Optional<String> requestRun(RunRequest request, JobNode triggered) {
    return jobs.requestRun(request, triggered);
  }

  @Override
  public List<RunRequest> takeRunRequests(String master) {
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
    // A rollout's decisions must survive a crash as certificates do: synced.
    rocks.put(ROLLOUTS, key(rollout.getId()), rollout, syncWriteOptions);
  }

  @Override
  public Optional<Rollout> updateRollout(String id,
      java.util.function.UnaryOperator<Rollout> change) {
    // One process holds a RocksDB store: a lock of its own makes the read and write one step.
    synchronized (rolloutUpdates) {
      Optional<Rollout> current = rollout(id);
      if (current.isEmpty()) {
        return current;
      }
      Rollout next = change.apply(current.get());
      if (next != current.get() && !next.equals(current.get())) {
        if (!next.getId().equals(id)) {
          throw new IllegalArgumentException("an update of rollout " + id + " returned rollout "
              + next.getId());
        }
        putRollout(next);
      }
      return Optional.of(next);
    }
  }

  @Override
  public Optional<Rollout> startRollout(Rollout rollout,
      java.util.function.Predicate<Rollout> blocking) {
    // One process holds a RocksDB store: the lock of the updates makes check and write one.
    synchronized (rolloutUpdates) {
      Optional<Rollout> blocked = rollouts().stream()
          .filter(r -> r.getEnvironment().equals(rollout.getEnvironment()))
          .filter(blocking).findFirst();
      if (blocked.isEmpty()) {
        putRollout(rollout);
      }
      return blocked;
    }
  }

  @Override
  public Optional<Rollout> rollout(String id) {
    return rocks.get(ROLLOUTS, key(id), dev.stead.proto.v1.Rollout.parser());
  }

  @Override
  public List<Rollout> rollouts() {
    List<Rollout> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(rocks.family(ROLLOUTS))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(parse(it.value(), dev.stead.proto.v1.Rollout.parser()));
      }
      rocks.check(it);
    }
    out.sort(java.util.Comparator.comparingLong(Rollout::getStartedAtMs)
        .thenComparing(Rollout::getId).reversed());
    return List.copyOf(out);
  }

  @Override
  public void heartbeat(MasterRecord master) {
    if (closed.get()) {
      throw new StoreException("the store " + directory + " is closed", null);
    }
    masters.put(master.address(), master);
  }

  @Override
  public void forget(String address) {
    masters.remove(address);
  }

  @Override
  public List<MasterRecord> masters() {
    return List.copyOf(masters.values());
  }

  /** Always granted: RocksDB's own lock file keeps a data directory to one process. */
  @Override
  public Optional<CaRoleLock> tryLockCaRole() {
    return Optional.of(new CaRoleLock() {
      @Override
      public boolean renew() {
        return !closed.get();
      }

      @Override
      public void close() {}
    });
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      // Unsynced writes sit in the WAL's OS buffers; make them durable before we go.
      db.flushWal(true);
    } catch (RocksDBException e) {
      System.err.println("stead master: syncing the database log failed: " + e.getMessage());
    }
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      System.err.println("stead master: closing the database " + directory + " failed: "
          + e.getMessage());
    }
    writeOptions.close();
    syncWriteOptions.close();
    closeQuietly(dbOptions);
    familyOptions.forEach(RocksStore::closeQuietly);
    closeQuietly(memory);
  }

  private static CertificateRecord record(CertificateStatus status) {
    return new CertificateRecord(status.getCertname(), status.getState(), List.of(),
        status.getCertificatePem());
  }

  /**
   * The pending requests of one name: a {@link PendingRequests}, or, as masters before it
   * stored them, one request's PEM text (which begins with a dash, a byte no
   * {@link PendingRequests} begins with).
   */
  private static List<String> pendingCsrs(byte[] value) {
    if (value.length > 0 && value[0] == '-') {
      return List.of(new String(value, StandardCharsets.UTF_8));
    }
    return parse(value, PendingRequests.parser()).getCsrPemList();
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception ignored) {
        // Native option handles; nothing useful to report on close.
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong DECISION_SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  /** Big-endian {@code Long.MAX_VALUE - ms}: byte order equals newest-first order. */
  static byte[] invertedTime(long startedAtMs) {
    return ByteBuffer.allocate(Long.BYTES).putLong(Long.MAX_VALUE - startedAtMs).array();
  }

  private static byte[] statusKey(dev.stead.proto.v1.RunStatus status) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(status.getNumber()).array();
  }

  /** The distinct resources a report lists, as index prefixes. */
  private static List<byte[]> resourceKeys(Report report) {
    return report.getResourcesList().stream().map(r -> r.getKey()).distinct()
        .filter(k -> !k.isEmpty() && k.indexOf('\0') < 0).map(RocksFamilies::key).toList();
  }

}
