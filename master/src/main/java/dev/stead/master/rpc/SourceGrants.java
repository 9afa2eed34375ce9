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
 * master restart, read from the store once per node. Thread-safe.
 */
public final class SourceGrants {
  /** The types whose {@code source} names a module file the agent fetches from here. */
  private static final Set<String> SERVED_BY_TYPE = Set.of("file", "archive");
  private final CatalogStore store;
  private final Map<String, Map<String, Set<ModuleFile>>> byNode = new ConcurrentHashMap<>();

  public SourceGrants(CatalogStore store) {
    this.store = store;
  }

  /** {@code catalog} is now {@code node}'s latest. */
  public void catalogStored(String node, Catalog catalog) {
    byNode.put(node, sourcesByChecksum(catalog));
  }

  /** The module files of {@code node}'s latest catalog with {@code checksum}; empty if none. */
  public Set<ModuleFile> sources(String node, String checksum) {
    Map<String, Set<ModuleFile>> granted = byNode.computeIfAbsent(node,
        n -> store.catalog(n).map(SourceGrants::sourcesByChecksum).orElse(Map.of()));
    return granted.getOrDefault(checksum, Set.of());
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
