package dev.stead.agent.resource;

import java.util.Objects;

/**
 * One property found out of sync: what was observed, what is desired, and what came of it.
 * Values are rendered as reports show them (file content as {@code sha256:<hex>}, a missing
 * object as {@code absent}). Whether it was drift is decided by the engine, which knows the
 * previous run. Immutable.
 *
 * @param diff a bounded unified diff for content, else empty; never null
 * @param message why it failed, else empty; never null
 */
public record Change(String property, String before, String after, Outcome outcome, String diff,
    String message) {

  /** What happened to the change. */
  public enum Outcome {
    APPLIED,
    /** Noop: it would have been applied. */
    WOULD_APPLY,
    FAILED
  }

  public Change {
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(diff, "diff");
    Objects.requireNonNull(message, "message");
  }

  public static Change applied(String property, String before, String after, String diff) {
    return new Change(property, before, after, Outcome.APPLIED, diff, "");
  }

  public static Change wouldApply(String property, String before, String after, String diff) {
    return new Change(property, before, after, Outcome.WOULD_APPLY, diff, "");
  }

  public Change failed(String why) {
    return new Change(property, before, after, Outcome.FAILED, diff, why);
  }
}
