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
  private final FleetViews fleets;

  /**
   * @param environments the environments to compile from
   * @param environmentOf a node's environment, as the master records it
   */
  public ClassifiedCatalogSource(Environments environments,
      Function<String, String> environmentOf) {
    this(environments, environmentOf, null);
  }

  /**
   * As above, telling {@code fleets} (null: none) each node's facts before its compile and
   * its exports after, so that the other nodes' next compiles see them.
   */
  public ClassifiedCatalogSource(Environments environments,
      Function<String, String> environmentOf, FleetViews fleets) {
    this.environments = Objects.requireNonNull(environments, "environments");
    this.environmentOf = Objects.requireNonNull(environmentOf, "environmentOf");
    this.fleets = fleets;
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    String environment = environmentOf.apply(node);
    if (fleets != null) {
      fleets.factsSeen(environment, node, facts);
    }
    CompileOutcome outcome = environments.source(environment).compile(node, facts);
    if (fleets != null && outcome instanceof CompileOutcome.Compiled compiled) {
      fleets.exportsSeen(environment, node, compiled.catalog().getExportsList());
    }
    return outcome;
  }
}
