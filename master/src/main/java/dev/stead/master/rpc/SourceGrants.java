package dev.stead.master.rpc;

import dev.stead.master.storage.CatalogStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which file sources each node may fetch: those its own latest catalog references, by
 * checksum. Learnt when the catalog endpoint stores a node's new catalog, so serving a file
 * does not read and parse the node's whole catalog (1 MB at 1,200 resources) once per file;
 * after a master restart, read from the store once per node. Thread-safe.
 */
public final class SourceGrants {
  private final CatalogStore store;
  private final Map<String, Map<String, Set<String>>> byNode = new ConcurrentHashMap<>();

  public SourceGrants(CatalogStore store) {
    this.store = store;
  }

  /** {@code catalog} is now {@code node}'s latest. */
  public void catalogStored(String node, Catalog catalog) {
    byNode.put(node, sourcesByChecksum(catalog));
  }

  /** The source names of {@code node}'s latest catalog with {@code checksum}; empty if none. */
  public Set<String> sources(String node, String checksum) {
    Map<String, Set<String>> granted = byNode.computeIfAbsent(node,
        n -> store.catalog(n).map(SourceGrants::sourcesByChecksum).orElse(Map.of()));
    return granted.getOrDefault(checksum, Set.of());
  }

  private static Map<String, Set<String>> sourcesByChecksum(Catalog catalog) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Resource r : catalog.getResourcesList()) {
      Value sum = r.getParametersMap().get("checksum");
      Value source = r.getParametersMap().get("source");
      if (r.getType().equals("file") && sum != null && source != null
          && !source.getStringValue().isEmpty()) {
        out.computeIfAbsent(sum.getStringValue(), k -> new LinkedHashSet<>())
            .add(source.getStringValue());
      }
    }
    out.replaceAll((k, v) -> Set.copyOf(v));
    return Map.copyOf(out);
  }
}
