package dev.stead.agent;

import dev.stead.agent.engine.Outcome;
import dev.stead.wire.ResourceKey;

/**
 * Told about each resource as a run reaches it (for a progress line on a terminal) and, if it
 * cares, as each one finishes. Called from the thread that converges; must be quick and must
 * not throw.
 */
@FunctionalInterface
public interface Progress {
  Progress NONE = (done, total, next) -> { };

  /** {@code done} of {@code total} resources finished; {@code next} starts now. */
  void starting(int done, int total, ResourceKey next);

  /** {@code outcome}'s resource finished (refresh included). Not called for one abandoned. */
  default void finished(Outcome outcome) {
  }
}
