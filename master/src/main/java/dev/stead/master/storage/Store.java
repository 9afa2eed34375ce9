package dev.stead.master.storage;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import java.util.List;
import java.util.Optional;

/**
 * The master's durable state: nodes, their last facts and catalog, reports, certificates
 * and certificate requests. Implementations are thread-safe; every write is durable once the
 * method returns normally or at the latest when {@link #close()} returns. Failures of the
 * underlying storage surface as {@link StoreException}.
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

  /**
   * The newest {@code limit} reports of {@code node} (of every node when empty), newest first
   * by start time.
   */
  List<Report> reports(String node, int limit);

  /** Inserts or replaces the record for {@code record.certname()}. */
  void putCertificate(CertificateRecord record);

  Optional<CertificateRecord> certificate(String certname);

  /** Every certificate and pending request, sorted by certname. */
  List<CertificateRecord> certificates();

  /** Makes every write durable and releases the storage; idempotent. */
  @Override
  void close();
}
