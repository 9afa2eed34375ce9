package dev.stead.master.storage;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileMemo;
import dev.stead.proto.v1.Resource;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The last catalog compiled for each node, one per node. Thread-safe. A catalog is rebuilt by
 * the node's next run, so a backend may acknowledge it before it is synced to disk.
 */
public interface CatalogStore {

  /**
   * Remembers the last catalog compiled for {@code node}, replacing the one before, and with
   * it the resources it exports ({@link #exports}).
   */
  void putCatalog(String node, Catalog catalog);

  Optional<Catalog> catalog(String node);

  /**
   * The digest of {@code node}'s stored catalog; empty when none. Cheaper than {@link
   * #catalog}: a master sharing the store with others checks with it, on every check-in,
   * that the catalog it last stored for a node is still the one stored.
   */
  Optional<String> catalogDigest(String node);

  /**
   * Forgets {@code node}'s last catalog, what it exports and its compile memo, as when the
   * node is cleaned ({@code stead ca clean}): nothing of a decommissioned node stays
   * collectable or stored. Nothing when there is none.
   */
  void removeCatalog(String node);

  /**
   * What the nodes whose last catalog was compiled in {@code environment} export
   * ({@code Catalog.exports}), by node name; a node that exports nothing is left out. Read
   * without loading whole catalogs: the backends keep exports apart from them.
   */
  SortedMap<String, List<Resource>> exports(String environment);

  /**
   * Keeps {@code memo} as the memo of {@code node}'s last cacheable compile (what it read and
   * what it gave), replacing the one before. Like a catalog, it is rebuilt by the node's next
   * compile, so a backend may acknowledge it before it is synced to disk.
   */
  void putCompileMemo(String node, CompileMemo memo);

  /** The memo of {@code node}'s last cacheable compile; empty when none. */
  Optional<CompileMemo> compileMemo(String node);
}
