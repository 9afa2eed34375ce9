package dev.stead.master.storage;

import dev.stead.proto.v1.Catalog;
import java.util.Optional;

/**
 * The last catalog compiled for each node, one per node. Thread-safe. A catalog is rebuilt by
 * the node's next run, so a backend may acknowledge it before it is synced to disk.
 */
public interface CatalogStore {

  /** Remembers the last catalog compiled for {@code node}, replacing the one before. */
  void putCatalog(String node, Catalog catalog);

  Optional<Catalog> catalog(String node);
}
