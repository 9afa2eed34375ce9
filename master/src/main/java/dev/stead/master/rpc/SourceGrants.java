package dev.stead.master.rpc;

import dev.stead.master.storage.CatalogStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ModuleFact;
import dev.stead.proto.v1.Value;
import dev.stead.wire.SourceFiles;
import dev.stead.wire.SourceFiles.ModuleFile;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which module files each node may fetch: those its own latest catalog references, by
 * checksum (the sources of its file resources and the custom facts of the modules it uses).
 * Learnt when the catalog endpoint stores a node's new catalog, so serving a file does not
 * read and parse the node's whole catalog (1 MB at 1,200 resources) once per file; after a
 * master restart, read from the store once per node.
 *
 * <p>On a store shared with other masters, another master may have stored a newer catalog
 * for the node: its agent got it there and fails over here for the files in the same run. A
 * file this master does not grant is then looked for again in the store's catalog, when the
 * store's digest for the node (a small read) differs from the one the grants came from.
 * Thread-safe.
 */
public final class SourceGrants {
  /** The types whose {@code source} names a module file the agent fetches from here. */
  private static final Set<String> SERVED_BY_TYPE = Set.of("file", "archive");

  /** What a node may fetch, and the digest of the catalog that says so ("" for none). */
  private record Granted(String digest, Map<String, Set<ModuleFile>> byChecksum) {
    static final Granted NONE = new Granted("", Map.of());
  }

  private final CatalogStore store;
  private final boolean shared;
  private final Map<String, Granted> byNode = new ConcurrentHashMap<>();

  /** For a store this master alone writes. */
  public SourceGrants(CatalogStore store) {
    this(store, false);
  }

  /** {@code shared}: other masters store catalogs in {@code store} too. */
  public SourceGrants(CatalogStore store, boolean shared) {
    this.store = store;
    this.shared = shared;
  }

  /** {@code catalog} is now {@code node}'s latest. */
  public void catalogStored(String node, Catalog catalog) {
    byNode.put(node, granted(catalog));
  }

  /** The module files of {@code node}'s latest catalog with {@code checksum}; empty if none. */
  public Set<ModuleFile> sources(String node, String checksum) {
    Granted granted = byNode.computeIfAbsent(node, this::readBack);
    Set<ModuleFile> files = granted.byChecksum().get(checksum);
    if (files != null || !shared) {
      return files == null ? Set.of() : files;
    }
    if (store.catalogDigest(node).map(granted.digest()::equals).orElse(true)) {
      return Set.of();
    }
    Granted now = readBack(node);
    // Unless a catalog stored here meanwhile replaced what was read before.
    byNode.replace(node, granted, now);
    return now.byChecksum().getOrDefault(checksum, Set.of());
  }

  private Granted readBack(String node) {
    return store.catalog(node).map(SourceGrants::granted).orElse(Granted.NONE);
  }

  private static Granted granted(Catalog catalog) {
    return new Granted(catalog.getDigest(), sourcesByChecksum(catalog));
  }

  private static Map<String, Set<ModuleFile>> sourcesByChecksum(Catalog catalog) {
    Map<String, Set<ModuleFile>> out = new LinkedHashMap<>();
    for (Resource r : catalog.getResourcesList()) {
      Value sum = r.getParametersMap().get("checksum");
      Value source = r.getParametersMap().get("source");
      // An https:// source is the agent's own download: the master never serves it.
      if (SERVED_BY_TYPE.contains(r.getType()) && sum != null && source != null
          && !source.getStringValue().isEmpty()
          && !SourceFiles.isHttps(source.getStringValue())) {
        out.computeIfAbsent(sum.getStringValue(), k -> new LinkedHashSet<>())
            .add(ModuleFile.ofSource(source.getStringValue()));
      }
    }
    for (ModuleFact f : catalog.getModuleFactsList()) {
      out.computeIfAbsent(f.getChecksum(), k -> new LinkedHashSet<>())
          .add(ModuleFile.ofFact(f.getModule(), f.getName()));
    }
    out.replaceAll((k, v) -> Set.copyOf(v));
    return Map.copyOf(out);
  }
}
