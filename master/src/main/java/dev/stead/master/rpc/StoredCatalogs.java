package dev.stead.master.rpc;

import dev.stead.master.secrets.SecretEnvelopes;
import dev.stead.master.storage.CatalogStore;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.Catalog;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

/**
 * Which catalog the store holds for each node, as this master knows it: the one it stored
 * last, or read back at the node's first check-in after a restart. Catalogs are written once
 * per digest, not once per run (rewriting an unchanged catalog, 1 MB at 1,200 resources, on
 * every run would only feed compactions), and scanned for secrets once per digest.
 *
 * <p>On a store shared with other masters, what this master remembers can be overtaken: another
 * master may have stored a newer catalog for the node, whose answer never reached it, and the
 * node comes back here with the old digest and the old facts. So on a shared store each
 * remembered digest is checked against the store's ({@link CatalogStore#catalogDigest}, a
 * small read) before it is trusted. An embedded store has one master, whose memory is the
 * truth. Thread-safe.
 */
final class StoredCatalogs {
  private static final Logger LOG = Logger.getLogger(StoredCatalogs.class.getName());

  /** What is kept of a stored catalog: its digest, and whether it has secrets. */
  record Stored(String digest, boolean hasSecrets) {}

  private final CatalogStore store;
  private final SourceGrants grants;
  private final boolean shared;
  private final ConcurrentMap<String, Stored> byNode = new ConcurrentHashMap<>();

  /** {@code shared}: other masters write to {@code store} too. */
  StoredCatalogs(CatalogStore store, SourceGrants grants, boolean shared) {
    this.store = store;
    this.grants = grants;
    this.shared = shared;
  }

  /**
   * Stores {@code catalog} as {@code node}'s, and grants its files, unless the store holds that
   * digest for the node already.
   */
  Stored storeIfNew(String node, Catalog catalog) {
    Stored known = byNode.get(node);
    if (known != null && known.digest().equals(catalog.getDigest()) && stillStored(node, known)) {
      return known;
    }
    store.putCatalog(node, catalog);
    grants.catalogStored(node, catalog);
    Stored now = new Stored(catalog.getDigest(), SecretEnvelopes.hasSecrets(catalog));
    byNode.put(node, now);
    return now;
  }

  /**
   * What the store holds for {@code node}, to compare with {@code agentDigest}, the digest the
   * agent holds: read back from the store when this master knows none for the node, knows
   * another one, or knows one the store no longer holds. Null when the store has none or
   * cannot be read (a compile follows, which stores it).
   */
  Stored current(String node, String agentDigest) {
    Stored known = byNode.get(node);
    if (known != null && known.digest().equals(agentDigest) && stillStored(node, known)) {
      return known;
    }
    return readBack(node, known);
  }

  private boolean stillStored(String node, Stored known) {
    if (!shared) {
      return true;
    }
    try {
      return store.catalogDigest(node).map(known.digest()::equals).orElse(false);
    } catch (StoreException e) {
      // As if overtaken: the caller reads back (which fails over to a compile) or stores.
      LOG.warning("reading the stored digest of " + node + " failed: " + e.getMessage());
      return false;
    }
  }

  /**
   * The node's catalog as the store holds it, kept unless a compile stored another meanwhile
   * ({@code before} no longer the entry). Its files are granted: the agent may fetch the files
   * of the catalog it holds from here now.
   */
  private Stored readBack(String node, Stored before) {
    Optional<Catalog> catalog;
    try {
      catalog = store.catalog(node);
    } catch (StoreException e) {
      LOG.warning("reading the stored catalog of " + node + " failed (compiling instead): "
          + e.getMessage());
      return null;
    }
    if (catalog.isEmpty()) {
      return null;
    }
    Stored read = new Stored(catalog.get().getDigest(),
        SecretEnvelopes.hasSecrets(catalog.get()));
    boolean kept = before == null ? byNode.putIfAbsent(node, read) == null
        : byNode.replace(node, before, read);
    if (!kept) {
      return byNode.get(node);
    }
    grants.catalogStored(node, catalog.get());
    return read;
  }
}
