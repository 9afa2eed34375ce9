package dev.stead.master.rollout;

import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A rollout as the master last decided it, with the questions asked of it: which code a node
 * gets, whether it still goes on, its open wave. Immutable (the message is, and the set of
 * nodes in waves is computed once).
 */
public final class RolloutState {
  private final Rollout rollout;
  private final Set<String> inWaves;

  public RolloutState(Rollout rollout) {
    this.rollout = Objects.requireNonNull(rollout, "rollout");
    Set<String> nodes = new HashSet<>();
    for (RolloutWave wave : rollout.getWavesList()) {
      nodes.addAll(wave.getNodesList());
    }
    this.inWaves = Set.copyOf(nodes);
  }

  public Rollout rollout() {
    return rollout;
  }

  /** Running, paused or halted: neither completed nor aborted. */
  public boolean active() {
    return active(rollout.getPhase());
  }

  static boolean active(RolloutPhase phase) {
    return phase == RolloutPhase.ROLLOUT_RUNNING || phase == RolloutPhase.ROLLOUT_PAUSED
        || phase == RolloutPhase.ROLLOUT_HALTED;
  }

  /** Nodes some wave holds. */
  public Set<String> inWaves() {
    return inWaves;
  }

  /**
   * Whether {@code node} gets the new code: every node once completed (until superseded),
   * none once aborted, else the nodes of the waves so far.
   */
  public boolean servesNew(String node) {
    return switch (rollout.getPhase()) {
      case ROLLOUT_COMPLETED -> !superseded();
      case ROLLOUT_ABORTED -> false;
      default -> inWaves.contains(node);
    };
  }

  /**
   * The rollout whose frozen release {@code node}'s catalog is compiled from; empty for the
   * environment's own directory.
   */
  public Optional<String> releaseFor(String node) {
    if (!active()) {
      return servedAfter();
    }
    return servesNew(node) ? Optional.of(rollout.getId()) : previous();
  }

  /**
   * The rollout whose release the environment serves once this one has ended (this one when
   * it completed, the previous one when aborted); empty: its own directory, also once the
   * ended rollout is superseded by a change of that directory.
   */
  public Optional<String> servedAfter() {
    if (superseded()) {
      return Optional.empty();
    }
    return rollout.getPhase() == RolloutPhase.ROLLOUT_COMPLETED
        ? Optional.of(rollout.getId()) : previous();
  }

  /**
   * Ended, and the environment serves a frozen copy to every node: what a change of the
   * environment's own code supersedes.
   */
  public boolean pinsFrozenCopy() {
    return !active() && servedAfter().isPresent();
  }

  /** The environment's own code changed after this rollout ended: every node gets it. */
  public boolean superseded() {
    return !rollout.getSupersededByCodeVersion().isEmpty();
  }

  /** The rollouts whose frozen copies some node gets while this one is the newest. */
  public Set<String> servedReleases() {
    if (!active()) {
      return servedAfter().map(Set::of).orElse(Set.of());
    }
    return previous().map(p -> Set.of(rollout.getId(), p)).orElse(Set.of(rollout.getId()));
  }

  private Optional<String> previous() {
    String id = rollout.getPreviousRolloutId();
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** The last wave while it waits for reports. */
  public Optional<RolloutWave> openWave() {
    if (rollout.getWavesCount() == 0) {
      return Optional.empty();
    }
    RolloutWave last = rollout.getWaves(rollout.getWavesCount() - 1);
    return last.getEndedAtMs() == 0 ? Optional.of(last) : Optional.empty();
  }
}
