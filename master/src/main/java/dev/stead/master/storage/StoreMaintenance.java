package dev.stead.master.storage;

import java.nio.file.Path;
import java.util.Map;

/** What operators and metrics see of the store itself: sizes, counts, backups. Thread-safe. */
public interface StoreMaintenance {

  /**
   * Sizes of the stored data in bytes, by name. Every backend gives {@code total} (bytes the
   * store takes on disk) and {@code reports} (bytes of reports and their indexes); RocksDB adds
   * {@code sst_files}, {@code blob_files} (catalogs), {@code live_data}, {@code memtables},
   * {@code wal_files} and one
   * {@code sst_files.FAMILY} per column family. Flushes nothing.
   */
  Map<String, Long> sizes();

  /** Writes buffered data to disk so that {@link #sizes} reflects everything written. */
  void flush();

  /** Reports currently stored (an estimate on RocksDB, exact after compaction). */
  long reportCount();

  /** Reports stored by this process since it opened the store (retries not counted). */
  long reportsAdded();

  /**
   * Writes a consistent point-in-time copy of the database into {@code target}, which must
   * not exist yet, while the store keeps serving.
   *
   * @throws UnsupportedOperationException when the backend's own tools back it up (the
   *     message says which)
   */
  void checkpoint(Path target);
}
