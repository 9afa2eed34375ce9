package dev.stead.master.rollout;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.Environments;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compiles each node's catalog from the environment the master assigns it, in the version a
 * rollout of that environment gives the node: the rollout's frozen release for the nodes of
 * its waves (every node once it completed), the previous code for the others (every node
 * once aborted). A node whose rollout gives it no release (and every node while there is no
 * rollout at all, or once the environment's own code changed after its rollout ended) is
 * compiled by {@code current}, the environment's own code. As with environments, nothing
 * the node sends has a say. Thread-safe.
 */
public final class RolloutCatalogSource implements CatalogSource {
  private final Environments environments;
  private final Function<String, String> environmentOf;
  private final Rollouts rollouts;
  private final CatalogSource current;

  /**
   * @param current compiles a node from its environment's own directory (the master's
   *     classified source)
   */
  public RolloutCatalogSource(Environments environments, Function<String, String> environmentOf,
      Rollouts rollouts, CatalogSource current) {
    this.environments = Objects.requireNonNull(environments, "environments");
    this.environmentOf = Objects.requireNonNull(environmentOf, "environmentOf");
    this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
    this.current = Objects.requireNonNull(current, "current");
    // A deleted frozen copy is never served again: its loaded code need not stay in memory.
    rollouts.onDeleted(environments::unload);
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    if (!rollouts.any()) {
      return current.compile(node, facts); // no rollout ever: no second classification read
    }
    String environment = environmentOf.apply(node);
    Optional<RolloutState> rollout = rollouts.serving(environment);
    Optional<Path> release = rollout.flatMap(state -> state.releaseFor(node))
        .map(rollouts::release);
    CatalogSource source = release.isPresent()
        ? environments.release(environment, release.get())
        : current;
    CompileOutcome outcome = source.compile(node, facts);
    if (outcome instanceof CompileOutcome.Failed failed && rollout.isPresent()
        && rollout.get().active()
        && rollout.get().servesNew(node)) {
      // The node may get no catalog at all and report no run of the new code: the rollout
      // learns of the failure here.
      CompileError first = failed.errors().get(0);
      rollouts.compileFailed(environment, node, first.getLocation().getFile() + ":"
          + first.getLocation().getLine() + ": " + first.getMessage());
    }
    return outcome;
  }

  /** Asks the source a compile would use: the release the rollout serves the node, if any. */
  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    if (!rollouts.any()) {
      return current.unchanged(node, facts, knownDigest);
    }
    String environment = environmentOf.apply(node);
    Optional<Path> release = releaseFor(environment, node);
    CatalogSource source = release.isPresent()
        ? environments.release(environment, release.get())
        : current;
    return source.unchanged(node, facts, knownDigest);
  }

  /** Where the module files named by {@code node}'s catalog are found. */
  public List<Path> moduleRoots(String node) {
    String environment = environmentOf.apply(node);
    return releaseFor(environment, node).map(environments::releaseModuleRoots)
        .orElseGet(() -> environments.moduleRoots(environment));
  }

  private Optional<Path> releaseFor(String environment, String node) {
    return rollouts.serving(environment).flatMap(state -> state.releaseFor(node))
        .map(rollouts::release);
  }
}
