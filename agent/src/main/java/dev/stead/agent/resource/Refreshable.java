package dev.stead.agent.resource;

/**
 * The optional ability to react to a change elsewhere (restart a service, rerun a command),
 * delivered through {@code notifies}/{@code subscribes} edges at most once per run, after the
 * resource itself was checked. Types without such an action simply do not implement it.
 */
public interface Refreshable {
  /**
   * What a refresh did: {@code failure} is empty on success, else why it failed;
   * {@code output} is what the action printed (already bounded), shown in the report. Immutable.
   */
  record Refresh(String failure, String output) {
    private static final Refresh OK = new Refresh("", "");

    public static Refresh ok() {
      return OK;
    }

    public static Refresh ok(String output) {
      return new Refresh("", output);
    }

    public static Refresh failed(String why) {
      return new Refresh(why, "");
    }

    public boolean succeeded() {
      return failure.isEmpty();
    }
  }

  /** Performs the refresh action (never called in noop). */
  Refresh refresh(ApplyContext context);
}
