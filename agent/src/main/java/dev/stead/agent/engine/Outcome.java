package dev.stead.agent.engine;

import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import java.util.Objects;

/**
 * One resource's part in a run: its result, whether it ran in noop, whether it was refreshed,
 * and a note for the reader (empty when there is nothing to add), e.g. that a noop result
 * rests on a dependency that would have changed first. Immutable.
 */
public record Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
    boolean refreshed, String note) {
  public Outcome {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(note, "note");
  }

  public Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
      boolean refreshed) {
    this(key, resource, result, noop, refreshed, "");
  }
}
