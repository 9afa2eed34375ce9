package dev.stead.agent.resource;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What checking (and maybe applying) one resource came to. Built only by the named
 * factories, which keep status and changes consistent. Immutable.
 *
 * @param desired every property the resource manages, with its desired value rendered like
 *     {@link Change#after()}; the engine records these to tell drift from intended changes
 * @param changes the properties that were out of sync, in the order they were handled
 * @param message why the resource failed or was skipped, else a note for the report or
 *     empty
 */
public record Result(Status status, Map<String, String> desired, List<Change> changes,
    String message) {

  /** The end state of one resource in one run. */
  public enum Status {
    IN_SYNC,
    CHANGED,
    /** Noop: out of sync, nothing changed. */
    WOULD_CHANGE,
    FAILED,
    /** Not checked because something it depends on failed. */
    SKIPPED
  }

  public Result {
    Objects.requireNonNull(status, "status");
    desired = Map.copyOf(desired);
    changes = List.copyOf(changes);
    Objects.requireNonNull(message, "message");
  }

  public static Result inSync(Map<String, String> desired) {
    return new Result(Status.IN_SYNC, desired, List.of(), "");
  }

  public static Result changed(Map<String, String> desired, List<Change> changes) {
    requireAll(changes, Change.Outcome.APPLIED, "changed");
    return new Result(Status.CHANGED, desired, changes, "");
  }

  public static Result wouldChange(Map<String, String> desired, List<Change> changes) {
    requireAll(changes, Change.Outcome.WOULD_APPLY, "wouldChange");
    return new Result(Status.WOULD_CHANGE, desired, changes, "");
  }

  /** Failed after applying (or trying) {@code changes}; the last one may be the failure. */
  public static Result failed(Map<String, String> desired, List<Change> changes, String message) {
    if (message.isEmpty()) {
      throw new IllegalArgumentException("a failed result needs a message");
    }
    return new Result(Status.FAILED, desired, changes, message);
  }

  public static Result skipped(String message) {
    if (message.isEmpty()) {
      throw new IllegalArgumentException("a skipped result needs a message");
    }
    return new Result(Status.SKIPPED, Map.of(), List.of(), message);
  }

  /**
   * Sorts out a finished check: failed when {@code failure} is non-empty, in sync without
   * changes, else changed or would change depending on whether it applied.
   */
  public static Result of(Map<String, String> desired, List<Change> changes, boolean applied,
      String failure) {
    if (!failure.isEmpty()) {
      return failed(desired, changes, failure);
    }
    if (changes.isEmpty()) {
      return inSync(desired);
    }
    return applied ? changed(desired, changes) : wouldChange(desired, changes);
  }

  /**
   * The same result with {@code note}, something the run left as it was and the report should
   * say (it prints as {@code note:}); a failed or skipped result keeps its own message.
   */
  public Result withNote(String note) {
    if (status == Status.FAILED || status == Status.SKIPPED || note.isEmpty()) {
      return this;
    }
    return new Result(status, desired, changes, message.isEmpty() ? note : message + "; " + note);
  }

  /** True when, after this run, {@code property} holds its desired value. */
  public boolean inSyncAfter(String property) {
    if (status == Status.FAILED || status == Status.SKIPPED || !desired.containsKey(property)) {
      return false;
    }
    for (Change c : changes) {
      if (c.property().equals(property)) {
        return c.outcome() == Change.Outcome.APPLIED;
      }
    }
    return true;
  }

  private static void requireAll(List<Change> changes, Change.Outcome outcome, String factory) {
    if (changes.isEmpty()) {
      throw new IllegalArgumentException(factory + " needs at least one change");
    }
    for (Change c : changes) {
      if (c.outcome() != outcome) {
        throw new IllegalArgumentException(factory + " with a " + c.outcome() + " change");
      }
    }
  }
}
