package dev.stead.master.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
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

  /** Bits a key of a family looked up by key ({@link #withKeyFilter}) costs in its filter. */
  static final double FILTER_BITS_PER_KEY = 10;

  private final LRUCache cache;
  private final WriteBufferManager writeBuffers;
  private final BlockBasedTableConfig tables;
  private final BlockBasedTableConfig filteredTables;
  private final BloomFilter filter;

  RocksMemory() {
    this.cache = new LRUCache(MEMTABLE_BYTES + BLOCK_BYTES);
    this.writeBuffers = new WriteBufferManager(MEMTABLE_BYTES, cache);
    this.tables = tables(cache);
    this.filter = new BloomFilter(FILTER_BITS_PER_KEY);
    // Partitioned like the index, so that a lookup reads one filter partition.
    this.filteredTables = tables(cache).setFilterPolicy(filter).setPartitionFilters(true);
  }

  private static BlockBasedTableConfig tables(LRUCache cache) {
    return new BlockBasedTableConfig().setBlockCache(cache)
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

  /**
   * {@code families} (options derived from those {@link #applyTo} set) with a Bloom filter
   * per table file: for a family read by whole key where most keys asked for are missing,
   * such as the reports by id, which every submit looks up before it writes (exactly once)
   * and almost never finds. Without a filter each such miss read an index partition and a
   * data block in every table file the key could be in. The filters take about
   * {@value #FILTER_BITS_PER_KEY} bits a key, in the same cache as the rest.
   */
  ColumnFamilyOptions withKeyFilter(ColumnFamilyOptions families) {
    return families.setTableFormatConfig(filteredTables);
  }

  @Override
  public void close() {
    writeBuffers.close();
    filter.close();
    cache.close();
  }
}
