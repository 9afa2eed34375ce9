package dev.stead.bench;

import dev.stead.master.storage.RocksStore;
import java.nio.file.Path;

/**
 * Rewrites every file of a stopped master's RocksDB store ({@link RocksStore#compactAll}), so
 * that a benchmark of a change to the table options reads files written with them, not with
 * the options the data directory was filled under. Argument: the store's directory
 * ({@code DATA/db}).
 */
public final class CompactStore {
  private CompactStore() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long start = System.nanoTime();
    try (RocksStore store = RocksStore.open(dir)) {
      long before = store.sizes().getOrDefault("sst_files", 0L);
      store.compactAll();
      System.out.printf("compacted %s: %d MB of table files before, %d MB after, in %.1f s%n",
          dir, before >> 20, store.sizes().getOrDefault("sst_files", 0L) >> 20,
          (System.nanoTime() - start) / 1e9);
    }
  }
}
