package dev.stead.master.storage;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The master's durable state: nodes, their last facts and catalog, reports, certificates
 * and certificate requests. Implementations are thread-safe. Reports, certificates,
 * requests and revocations are on disk (synced) when the method returns normally, so they
 * survive an OS crash or power loss; facts, catalogs and node summaries survive the death of
 * the process at once, and an OS crash once {@link #close()} returned (they are rebuilt by
 * the node's next run). Failures of the underlying storage surface as {@link StoreException}.
 *
 * <p>Names passed in are certnames already validated by the caller (no NUL characters).
 */
public interface Store extends AutoCloseable {

  void putFacts(String node, Facts facts);

  Optional<Facts> facts(String node);

  /** Remembers the last catalog compiled for {@code node}. */
  void putCatalog(String node, Catalog catalog);

  Optional<Catalog> catalog(String node);

  void putNode(NodeInfo node);

  Optional<NodeInfo> node(String name);

  /** Every known node, sorted by name. */
  List<NodeInfo> nodes();

  /**
   * Stores {@code report} unless a report with the same id is already stored.
   *
   * @return true when stored, false when the id was already known (nothing is changed)
   * @throws IllegalArgumentException when the id or node is empty or the start time negative
   */
  boolean addReport(Report report);

  Optional<Report> report(String id);

  /** Up to {@code limit} reports whose id starts with {@code prefix}, in id order. */
  List<Report> reportsWithIdPrefix(String prefix, int limit);

  /**
   * The newest {@code limit} reports of {@code node} (of every node when empty), newest first
   * by start time.
   */
  List<Report> reports(String node, int limit);

  /**
   * Visits the reports matching {@code query}, newest first by start time, until
   * {@code visitor} returns false. The visitor must not write to the store.
   */
  void scanReports(ReportQuery query, Predicate<Report> visitor);

  /** The newest {@code limit} reports matching {@code query}, newest first. */
  default List<Report> queryReports(ReportQuery query, int limit) {
    List<Report> out = new java.util.ArrayList<>();
    if (limit > 0) {
      scanReports(query, report -> {
        out.add(report);
        return out.size() < limit;
      });
    }
    return List.copyOf(out);
  }

  /**
   * Deletes every report that started before {@code cutoffMs}, with its index entries, and
   * compacts the report data so that the space is given back to the file system.
   *
   * @return how many reports were deleted
   */
  int expireReports(long cutoffMs);

  /**
   * Deletes every report that started after {@code latestMs}, as {@link #expireReports} does
   * for old ones: reports dated in the future cannot be placed on the master's clock (see
   * {@link ReportTimes}), and would otherwise never reach the retention cutoff.
   *
   * @return how many reports were deleted
   */
  int expireReportsStartedAfter(long latestMs);

  /**
   * Sizes of the stored data in bytes, by name: {@code sst_files} (files on disk, live and
   * obsolete), {@code live_data} (estimated live data), {@code memtables} and one
   * {@code sst_files.FAMILY} per column family. Flushes nothing.
   */
  Map<String, Long> sizes();

  /** Writes every memtable to disk (so that {@link #sizes} reflects everything written). */
  void flush();

  /**
   * Writes a consistent point-in-time copy of the database into {@code target}, which must
   * not exist yet; the store keeps serving meanwhile (a RocksDB checkpoint: hard links to
   * the immutable files plus copies of the rest).
   */
  void checkpoint(Path target);

  /** Inserts or replaces the record for {@code record.certname()}. */
  void putCertificate(CertificateRecord record);

  Optional<CertificateRecord> certificate(String certname);

  /** Every certificate and pending request, sorted by certname. */
  List<CertificateRecord> certificates();

  /**
   * Forgets the pending request or certificate of {@code certname} (nothing when there is
   * none). Revocations recorded with {@link #putRevocation} are kept.
   */
  void deleteCertificate(String certname);

  /** Records (durably, before returning) that a certificate serial is revoked. */
  void putRevocation(dev.stead.proto.v1.RevokedCertificate revocation);

  /** Every revocation ever recorded, sorted by serial. */
  List<dev.stead.proto.v1.RevokedCertificate> revocations();

  /**
   * Records (durably, before returning) a drift exception, replacing one with the same node
   * and id. Exceptions are kept after they expire: they are part of the audit trail.
   */
  void putException(dev.stead.proto.v1.DriftException exception);

  /** The drift exceptions of {@code node}, of every node when empty; by node, then id. */
  List<dev.stead.proto.v1.DriftException> exceptions(String node);

  /**
   * Stores (durably, before returning) what the operator set on {@code classification.node()};
   * a classification without values is deleted.
   */
  void putClassification(dev.stead.proto.v1.NodeClassification classification);

  Optional<dev.stead.proto.v1.NodeClassification> classification(String node);

  /** Every stored classification, sorted by node name. */
  List<dev.stead.proto.v1.NodeClassification> classifications();

  /**
   * Records (durably, before returning) an operator's decision as a row of the audit trail
   * (kind DECISION): those that leave no other record, such as an accepted drift or a mode
   * change. Kept like the audit trail, never expired with reports.
   *
   * @throws IllegalArgumentException when the node or the decision is empty
   */
  void addDecision(dev.stead.proto.v1.ChangeRecord decision);

  /** The decisions recorded in {@code [sinceMs, untilMs]} (until 0: now), newest first. */
  List<dev.stead.proto.v1.ChangeRecord> decisions(long sinceMs, long untilMs);

  /** Makes every write durable and releases the storage; idempotent. */
  @Override
  void close();
}
