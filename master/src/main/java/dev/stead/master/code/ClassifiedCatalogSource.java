package dev.stead.master.code;

import dev.stead.proto.v1.Facts;
import java.util.Objects;
import java.util.function.Function;

/**
 * Compiles each node's catalog from the environment the master assigns it. The environment
 * comes from {@code environmentOf} (the operator's classification of the node), never from
 * the node's request or facts, so an agent cannot pick code meant for another group of
 * nodes. Thread-safe.
 */
public final class ClassifiedCatalogSource implements CatalogSource {
  private final Environments environments;
  private final Function<String, String> environmentOf;

  /**
   * @param environments the environments to compile from
   * @param environmentOf a node's environment, as the master records it
   */
  public ClassifiedCatalogSource(Environments environments,
      Function<String, String> environmentOf) {
    this.environments = Objects.requireNonNull(environments, "environments");
    this.environmentOf = Objects.requireNonNull(environmentOf, "environmentOf");
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    return environments.source(environmentOf.apply(node)).compile(node, facts);
  }

  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    return environments.source(environmentOf.apply(node)).unchanged(node, facts, knownDigest);
  }
}
