package dev.stead.agent.resource;

import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import java.util.List;
import java.util.Set;

/**
 * The optional ability to learn which resources the catalog manages before the run (a
 * recursing directory leaves managed paths beneath it to their own resources). Ordering
 * edges are not made here: each type declares those in the schema, and the engine's
 * {@code AutoEdges} resolves them. Called once per plan, before {@code checkApply}.
 */
public interface CatalogAware {
  void seeCatalog(Set<ResourceKey> managed);

  /**
   * The catalog's resources themselves, for a type that needs their parameters (a user that
   * purges keys keeps those its ssh_key resources name). Called right after
   * {@link #seeCatalog}; most types need only the keys.
   */
  default void seeResources(List<Resource> resources) {}
}
