package dev.stead.master.storage;

import dev.stead.proto.v1.Rollout;
import java.util.List;
import java.util.Optional;

/**
 * Staged rollouts as the master last decided them, so a restarted master (or another master
 * on a shared store) carries on where it was. Thread-safe; every write is durable before the
 * method returns. Rollouts are kept after they end: the newest of an environment says which
 * code it serves.
 */
public interface RolloutStore {

  /**
   * Stores {@code rollout}, replacing the one with its id.
   *
   * @throws IllegalArgumentException when its id or environment is empty
   */
  void putRollout(Rollout rollout);

  Optional<Rollout> rollout(String id);

  /**
   * Stores {@code rollout}, a new one, unless a stored rollout of its environment is one that
   * {@code blocking} names (a rollout still running): checked and written as one step no
   * other writer interleaves with (another master on the store included), so that two
   * masters starting a rollout of one environment at the same moment do not both start one.
   *
   * @return the stored rollout that blocked it; empty when {@code rollout} was stored
   * @throws IllegalArgumentException when its id or environment is empty
   */
  Optional<Rollout> startRollout(Rollout rollout, java.util.function.Predicate<Rollout> blocking);

  /**
   * Applies {@code change} to the stored rollout {@code id} and stores what it returns, as one
   * step no other writer interleaves with (another master on the store included), so that two
   * masters recording results at the same moment both keep theirs. {@code change} returning
   * its argument stores nothing.
   *
   * @return the rollout as stored afterwards; empty when there is no rollout {@code id}
   */
  Optional<Rollout> updateRollout(String id, java.util.function.UnaryOperator<Rollout> change);

  /** Every rollout, newest first (by start time, then id). */
  List<Rollout> rollouts();
}
