package dev.stead.agent.engine;

import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import java.util.Objects;

/**
 * Everything a catalog turns into before anything on the machine is looked at: each resource
 * bound to its type (parameters parsed and checked), the declared and automatic edges, the
 * order. It depends only on the catalog and the types, so a long-lived agent that is handed
 * the same catalog again (same {@link #catalogDigest}) runs it again without preparing it:
 * {@code Converger} keeps the last plan for that. Immutable; checkables keep no state from one
 * run to the next (a type that needs run state resets it when checked). One run at a time.
 */
public final class ConvergePlan {
  private final String catalogDigest;
  private final boolean hasSecrets;
  private final ResourceGraph graph;

  private ConvergePlan(String catalogDigest, boolean hasSecrets, ResourceGraph graph) {
    this.catalogDigest = catalogDigest;
    this.hasSecrets = hasSecrets;
    this.graph = graph;
  }

  /** Binds and orders {@code catalog} with {@code registry}; problems end up on the nodes. */
  public static ConvergePlan prepare(Catalog catalog, ResourceTypeRegistry registry,
      boolean hasSecrets) {
    Objects.requireNonNull(registry, "registry");
    return new ConvergePlan(catalog.getDigest(), hasSecrets,
        ResourceGraph.build(catalog, registry));
  }

  /** The digest the catalog claimed; empty for an unsealed catalog (never reused then). */
  public String catalogDigest() {
    return catalogDigest;
  }

  /** Whether some parameter of the catalog is a secret (the plan then holds plaintext). */
  public boolean hasSecrets() {
    return hasSecrets;
  }

  public ResourceGraph graph() {
    return graph;
  }

  /** True when this plan was prepared from a catalog with {@code digest} (never for ""). */
  public boolean fits(String digest) {
    return !catalogDigest.isEmpty() && catalogDigest.equals(digest);
  }
}
