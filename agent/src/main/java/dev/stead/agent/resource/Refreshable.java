package dev.stead.agent.resource;

/**
 * The optional ability to react to a change elsewhere (restart a service, rerun a command),
 * delivered through {@code notifies}/{@code subscribes} edges at most once per run, after the
 * resource itself was checked. Types without such an action simply do not implement it.
 */
public interface Refreshable {
  /**
   * Performs the refresh action (never called in noop).
   *
   * @return empty on success, else why it failed
   */
  String refresh(ApplyContext context);
}
