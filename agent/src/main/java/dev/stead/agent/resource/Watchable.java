package dev.stead.agent.resource;

import java.util.List;
import java.util.Objects;

/**
 * The optional ability to name the paths whose change can put this resource out of sync. The
 * agent daemon watches them between runs and checks the resource soon after one changes. A
 * resource that is not watchable (a package, a service) is only checked by runs.
 */
public interface Watchable {
  /**
   * A path as the catalog names it (absolute, before any {@code --root}).
   *
   * @param beneath whether a change anywhere beneath the directory counts too (a recursive
   *     directory), not only a change of the path itself
   */
  record WatchedPath(String path, boolean beneath) {
    public WatchedPath {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("a watched path must be absolute, got " + path);
      }
    }
  }

  /** The paths to watch; empty when there is nothing to watch. */
  List<WatchedPath> watchedPaths();
}
