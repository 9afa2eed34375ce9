package dev.stead.agent.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects one resource's property changes while it is checked, honouring noop: each change
 * is recorded as applied or would-apply, and a failure marks the change that caused it. Turns
 * into the {@link Result}. One per check; not thread-safe.
 */
public final class Changes {
  private final Map<String, String> desired = new LinkedHashMap<>();
  private final List<Change> changes = new ArrayList<>();
  private final boolean apply;
  private String failure = "";

  public Changes(boolean apply) {
    this.apply = apply;
  }

  public boolean applying() {
    return apply;
  }

  /** Declares a managed property and its desired value (as events render it). */
  public Changes desire(String property, String value) {
    desired.put(property, value);
    return this;
  }

  public String desired(String property) {
    return desired.get(property);
  }

  /** Records a property found out of sync; the caller applies it only when {@link #applying}. */
  public void record(String property, String before, String after) {
    changes.add(apply ? Change.applied(property, before, after, "")
        : Change.wouldApply(property, before, after, ""));
  }

  /** The same, with a diff of the property's text for the report. */
  public void record(String property, String before, String after, String diff) {
    changes.add(apply ? Change.applied(property, before, after, diff)
        : Change.wouldApply(property, before, after, diff));
  }

  /** Records a change whose apply failed, and fails the resource with {@code why}. */
  public Result fail(String property, String before, String after, String why) {
    changes.add(Change.applied(property, before, after, "").failed(why));
    failure = why;
    return result();
  }

  /**
   * Fails the resource with {@code why}; changes recorded so far (which were to be applied in
   * one step, such as a rewritten file) are marked failed with it.
   */
  public Result fail(String why) {
    changes.replaceAll(c -> c.failed(why));
    failure = why;
    return result();
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public Result result() {
    return Result.of(desired, changes, apply, failure);
  }
}
