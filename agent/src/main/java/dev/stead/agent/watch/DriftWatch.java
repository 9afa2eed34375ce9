package dev.stead.agent.watch;

import dev.stead.agent.engine.Outcome;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.Result;
import dev.stead.wire.ResourceKey;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The agent daemon's watch between runs: which resources of the enforced catalog to check,
 * and when. Changes to managed paths are collected ({@link PathWatcher}), a burst of them
 * collapses into one batch ({@link Debouncer}), and the agent's own writes are left out
 * ({@link OwnWrites}), so a repair does not cause another check. The daemon asks
 * {@link #dueAtNanos} when to look, {@link #takeDue} what to check, and tells
 * {@link #converged} what its converge changed. Used by the daemon's thread; the watcher's
 * thread only fills the debouncer and calls {@code wake}.
 */
public final class DriftWatch implements Closeable {
  /** A burst is over when nothing changed for this long. */
  public static final Duration QUIET = Duration.ofMillis(300);
  /** A path rewritten without pause is still checked this soon after its first change. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(2);

  private final Debouncer debouncer;
  private final PathWatcher watcher;
  private final OwnWrites own = new OwnWrites();
  /** Written by the daemon's thread, read by the converging thread too. */
  private volatile WatchSet set = WatchSet.EMPTY;
  private ResourceGraph followed;
  private Path followedRoot;

  private DriftWatch(Debouncer debouncer, PathWatcher watcher) {
    this.debouncer = debouncer;
    this.watcher = watcher;
  }

  /** Starts watching nothing yet; {@code wake} runs when a change arrives. */
  public static DriftWatch start(Runnable wake, Consumer<String> log) throws IOException {
    return start(wake, log, QUIET, MAX_WAIT);
  }

  static DriftWatch start(Runnable wake, Consumer<String> log, Duration quiet,
      Duration maxWait) throws IOException {
    Debouncer debouncer = new Debouncer(quiet, maxWait);
    PathWatcher watcher = PathWatcher.open(debouncer, wake, log);
    watcher.start();
    return new DriftWatch(debouncer, watcher);
  }

  /**
   * Watches the paths of {@code graph} (null: nothing) under {@code root}; cheap when the
   * graph is the one already followed (only directories created since are registered).
   */
  public void follow(ResourceGraph graph, Path root) {
    if (graph == null) {
      set = WatchSet.EMPTY;
    } else if (graph != followed || !root.equals(followedRoot)) {
      try {
        set = WatchSet.of(graph, new RootedPaths(root));
      } catch (IOException e) {
        set = WatchSet.EMPTY; // the root is not usable: runs say so
      }
    }
    followed = graph;
    followedRoot = root;
    watcher.follow(set);
    own.retain(set.paths());
  }

  /** Resources watched now. */
  public int resources() {
    return set.keys().size();
  }

  /** Directories watched now. */
  public int directories() {
    return watcher.watched().size();
  }

  /** When the pending changes are due to be checked; {@link Long#MAX_VALUE}: none pending. */
  public long dueAtNanos() {
    return debouncer.dueAtNanos();
  }

  /**
   * What to check, once a batch is due.
   *
   * @param keys the resources concerned; empty when every change was the agent's own
   * @param paths how many changed paths concerned them (0 after an overflow)
   * @param overflow whether changes were lost, so that every watched resource is checked
   */
  public record Due(Set<ResourceKey> keys, int paths, boolean overflow) {
    public Due {
      keys = Set.copyOf(keys);
    }
  }

  /** The check due at {@code nowNanos}, or null when none is due yet. */
  public Due takeDue(long nowNanos) {
    Debouncer.Batch batch = debouncer.takeIfDue(nowNanos);
    if (batch == null) {
      return null;
    }
    if (batch.everything()) {
      return new Due(set.keys(), 0, true);
    }
    Set<Path> others = new HashSet<>();
    for (Path p : batch.paths()) {
      if (!own.isOurs(p)) {
        others.add(p);
      }
    }
    return new Due(set.keysFor(others), others.size(), false);
  }

  /** A full run starts: what is pending now, it checks anyway. */
  public void runStarting() {
    debouncer.clear();
  }

  /**
   * A resource finished in a converge (called on the converging thread as each one finishes,
   * see {@code AgentSession#onFinished}): when it wrote (changed, refreshed, or failed
   * part-way), the events of its writes are not checked again.
   */
  public void finished(Outcome outcome) {
    Result.Status status = outcome.result().status();
    if (!outcome.noop() && (status == Result.Status.CHANGED
        || status == Result.Status.FAILED || outcome.refreshed())) {
      wrote(List.of(outcome.key()));
    }
  }

  /** {@code changed} were just written by the agent: their events are its own. */
  public void wrote(Collection<ResourceKey> changed) {
    WatchSet current = set;
    for (ResourceKey key : changed) {
      own.wrote(current.pathsOf(key), current.recursiveRootsOf(key));
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
