package dev.stead.master.storage;

/**
 * The master's durable state, as one handle that a backend implements whole: nodes and facts,
 * catalogs, reports, certificates, operators' records, jobs, rollouts, maintenance and the
 * masters serving from it. Code that uses the state depends on the focused interface it needs;
 * the master holds a {@code Store} to hand those out and to close it. Implementations are
 * thread-safe. Failures of the underlying storage surface as {@link StoreException}.
 *
 * <p>Two backends: {@link RocksStore} (embedded, the default) and
 * {@link dev.stead.master.storage.postgres.PostgresStore} (a shared PostgreSQL database).
 */
public interface Store extends NodeStore, CatalogStore, ReportStore, CertificateStore,
    OperatorRecords, JobStore, RolloutStore, StoreMaintenance, MasterRegistry, AutoCloseable {

  /** Makes every write durable and releases the storage; idempotent. */
  @Override
  void close();
}
