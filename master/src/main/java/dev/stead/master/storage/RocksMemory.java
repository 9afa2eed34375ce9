package dev.stead.master.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteBufferManager;

/**
 * What RocksDB may hold in memory, bounded as a whole. By default each column family keeps up
 * to two 64 MB memtables, and every table file's index and filter blocks stay loaded outside
 * any cache, so the master's RSS grew with the number of families written to and with the
 * data on disk. Here one cache holds the table blocks, their indexes and filters, and is
 * charged for every family's memtables too: when memtables pass their share, RocksDB flushes
 * the largest. Closed after the database.
 */
final class RocksMemory implements AutoCloseable {
  /** Memtables of all families together. */
  static final long MEMTABLE_BYTES = 64L << 20;
  /** Table blocks, indexes and filters, beside the memtables' share. */
  static final long BLOCK_BYTES = 32L << 20;
  /** Size of an index partition of a table file. */
  static final int INDEX_PARTITION_BYTES = 4096;

  private final LRUCache cache;
  private final WriteBufferManager writeBuffers;
  private final BlockBasedTableConfig tables;

  RocksMemory() {
    this.cache = new LRUCache(MEMTABLE_BYTES + BLOCK_BYTES);
    this.writeBuffers = new WriteBufferManager(MEMTABLE_BYTES, cache);
    this.tables = new BlockBasedTableConfig().setBlockCache(cache)
        .setCacheIndexAndFilterBlocks(true)
        // The newest files' indexes are read on every lookup: kept in the cache.
        .setPinL0FilterAndIndexBlocksInCache(true)
        // Each file's index in partitions of a few KB under a small top level that stays
        // pinned, so that a lookup reads one partition. Whole, the index of a large file
        // (hundreds of KB) did not fit a cache shard beside the memtables' charge and was
        // read and decompressed again for every iterator: 69% of the master's CPU while it
        // stored reports in a 100,000-node data directory (each report's node summary seeks).
        .setIndexType(IndexType.kTwoLevelIndexSearch)
        .setMetadataBlockSize(INDEX_PARTITION_BYTES)
        .setPinTopLevelIndexAndFilter(true)
        .setCacheIndexAndFilterBlocksWithHighPriority(true);
  }

  /** Puts the bound on {@code db} and {@code families}; returns this. */
  RocksMemory applyTo(DBOptions db, ColumnFamilyOptions families) {
    db.setWriteBufferManager(writeBuffers);
    families.setTableFormatConfig(tables);
    return this;
  }

  @Override
  public void close() {
    writeBuffers.close();
    cache.close();
  }
}
