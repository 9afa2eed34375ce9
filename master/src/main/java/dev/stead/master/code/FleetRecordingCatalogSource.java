package dev.stead.master.code;

import dev.stead.proto.v1.Facts;
import java.util.Objects;
import java.util.function.Function;

/**
 * Tells the fleet views each node's facts before its compile and its exports after, whichever
 * code compiled it (the environment's own, or a rollout's frozen copy), so that the other
 * nodes' next compiles see them at once rather than at the views' next reload. Thread-safe.
 */
public final class FleetRecordingCatalogSource implements CatalogSource {
  private final CatalogSource compiles;
  private final Function<String, String> environmentOf;
  private final FleetViews fleets;

  /**
   * @param compiles what compiles the catalogs
   * @param environmentOf a node's environment, as the master records it
   * @param fleets the views to tell
   */
  public FleetRecordingCatalogSource(CatalogSource compiles,
      Function<String, String> environmentOf, FleetViews fleets) {
    this.compiles = Objects.requireNonNull(compiles, "compiles");
    this.environmentOf = Objects.requireNonNull(environmentOf, "environmentOf");
    this.fleets = Objects.requireNonNull(fleets, "fleets");
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    String environment = environmentOf.apply(node);
    fleets.factsSeen(environment, node, facts);
    CompileOutcome outcome = compiles.compile(node, facts);
    if (outcome instanceof CompileOutcome.Compiled compiled) {
      fleets.exportsSeen(environment, node, compiled.catalog().getExportsList());
    }
    return outcome;
  }

  /** The facts are seen as by a compile; an unchanged catalog exports what it exported. */
  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    fleets.factsSeen(environmentOf.apply(node), node, facts);
    return compiles.unchanged(node, facts, knownDigest);
  }
}
