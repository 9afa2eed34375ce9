package dev.stead.agent.engine;

import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import java.util.List;
import java.util.Objects;

/**
 * One resource's part in a run: its result, whether it ran in noop, whether it was refreshed,
 * a note for the reader (empty when there is nothing to add), e.g. that a noop result
 * rests on a dependency that would have changed first, and the changes a drift exception held
 * back (not part of the result). Immutable.
 */
public record Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
    boolean refreshed, String note, List<Excepted> excepted) {

  /** A change held back by a drift exception: observed, not applied. */
  public record Excepted(Change change, String exceptionId) {
    public Excepted {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(exceptionId, "exceptionId");
    }
  }

  public Outcome {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(note, "note");
    excepted = List.copyOf(excepted);
  }

  public Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
      boolean refreshed, String note) {
    this(key, resource, result, noop, refreshed, note, List.of());
  }

  /** True when a drift exception held back a change of {@code property}. */
  public boolean heldBack(String property) {
    for (Excepted e : excepted) {
      if (e.change().property().equals(property)) {
        return true;
      }
    }
    return false;
  }

  public Outcome(ResourceKey key, Resource resource, Result result, boolean noop,
      boolean refreshed) {
    this(key, resource, result, noop, refreshed, "");
  }
}
