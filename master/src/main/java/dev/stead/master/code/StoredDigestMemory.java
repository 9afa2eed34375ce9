package dev.stead.master.code;

import dev.stead.dsl.DigestMemory;
import dev.stead.master.storage.CatalogStore;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.CompileMemo;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Compile memos kept in the master's store, one per node: shared by every master on the same
 * database and kept across restarts. A store that fails to read or write one costs a compile,
 * never a catalog: the failure is logged and the memo is as absent. Thread-safe.
 */
public final class StoredDigestMemory implements DigestMemory {
  private static final Logger LOG = Logger.getLogger(StoredDigestMemory.class.getName());
  private final CatalogStore store;

  public StoredDigestMemory(CatalogStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public Optional<CompileMemo> recall(String node) {
    try {
      return store.compileMemo(node);
    } catch (StoreException e) {
      LOG.warning("reading the compile memo of " + node + " failed (compiling instead): "
          + e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void remember(String node, CompileMemo memo) {
    try {
      store.putCompileMemo(node, memo);
    } catch (StoreException e) {
      LOG.warning("writing the compile memo of " + node + " failed (its next check-in after"
          + " a restart compiles): " + e.getMessage());
    }
  }
}
