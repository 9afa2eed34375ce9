package dev.stead.agent.watch;

import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.Watchable;
import dev.stead.wire.ResourceKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which resources of one catalog a changed path concerns: every {@link Watchable} resource
 * with its paths resolved under the root, and the directories to watch for them. The kernel
 * watches directories, not names, so a managed file is watched through its parent directory
 * and a managed directory through its parent too (its mode, owner, its being removed); a
 * recursive directory is watched itself as well, and a change anywhere beneath it concerns it.
 * A path that cannot be resolved (a link on the way leads out of the root) is left unwatched:
 * the next run reports the problem. Immutable.
 */
public final class WatchSet {
  public static final WatchSet EMPTY = new WatchSet(Map.of(), Map.of(), Set.of(), Set.of());

  /** Resolved managed path → resources that manage it. */
  private final Map<Path, Set<ResourceKey>> exact;
  /** Resolved directory → resources concerned by any change beneath it. */
  private final Map<Path, Set<ResourceKey>> beneath;
  private final Set<Path> directories;
  private final Set<ResourceKey> keys;

  private WatchSet(Map<Path, Set<ResourceKey>> exact, Map<Path, Set<ResourceKey>> beneath,
      Set<Path> directories, Set<ResourceKey> keys) {
    this.exact = exact;
    this.beneath = beneath;
    this.directories = directories;
    this.keys = keys;
  }

  /** The watchable resources of {@code graph}, their paths resolved with {@code paths}. */
  public static WatchSet of(ResourceGraph graph, RootedPaths paths) {
    Map<Path, Set<ResourceKey>> exact = new HashMap<>();
    Map<Path, Set<ResourceKey>> beneath = new HashMap<>();
    Set<Path> directories = new LinkedHashSet<>();
    Set<ResourceKey> keys = new LinkedHashSet<>();
    for (ResourceKey key : graph.order()) {
      ResourceGraph.Node node = graph.node(key);
      if (!node.problem().isEmpty() || !(node.checkable() instanceof Watchable watchable)) {
        continue;
      }
      for (Watchable.WatchedPath watched : watchable.watchedPaths()) {
        Path resolved;
        try {
          resolved = paths.resolve(watched.path());
        } catch (IOException | IllegalArgumentException e) {
          continue;
        }
        keys.add(key);
        exact.computeIfAbsent(resolved, p -> new HashSet<>()).add(key);
        if (resolved.getParent() != null) {
          directories.add(resolved.getParent());
        }
        if (watched.beneath()) {
          beneath.computeIfAbsent(resolved, p -> new HashSet<>()).add(key);
          directories.add(resolved);
        }
      }
    }
    return new WatchSet(freeze(exact), freeze(beneath), Set.copyOf(directories),
        Set.copyOf(keys));
  }

  private static Map<Path, Set<ResourceKey>> freeze(Map<Path, Set<ResourceKey>> m) {
    Map<Path, Set<ResourceKey>> out = new HashMap<>(m.size() * 2);
    m.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return Map.copyOf(out);
  }

  /** The directories to watch (the roots of recursive directories among them). */
  public Set<Path> directories() {
    return directories;
  }

  /** Roots of recursive directories: their subdirectories are to be watched as well. */
  public Set<Path> recursiveRoots() {
    return beneath.keySet();
  }

  /** Every watched resource. */
  public Set<ResourceKey> keys() {
    return keys;
  }

  /** Whether a change of {@code path} concerns some resource. */
  public boolean concerns(Path path) {
    if (exact.containsKey(path)) {
      return true;
    }
    for (Path p = path; p != null && !beneath.isEmpty(); p = p.getParent()) {
      if (beneath.containsKey(p)) {
        return true;
      }
    }
    return false;
  }

  /** The resources concerned by a change of any of {@code changed}. */
  public Set<ResourceKey> keysFor(Collection<Path> changed) {
    Set<ResourceKey> out = new HashSet<>();
    for (Path path : changed) {
      out.addAll(exact.getOrDefault(path, Set.of()));
      for (Path p = path; p != null && !beneath.isEmpty(); p = p.getParent()) {
        out.addAll(beneath.getOrDefault(p, Set.of()));
      }
    }
    return out;
  }

  /** The managed paths at or beneath {@code directory} (it disappeared, or was replaced). */
  public List<Path> pathsUnder(Path directory) {
    return exact.keySet().stream().filter(p -> p.startsWith(directory)).toList();
  }

  /** The resolved paths {@code keys} manage (for telling the agent's own writes apart). */
  public Set<Path> pathsOf(Collection<ResourceKey> changed) {
    Set<ResourceKey> wanted = Set.copyOf(changed);
    Set<Path> out = new HashSet<>();
    exact.forEach((path, owners) -> {
      for (ResourceKey k : owners) {
        if (wanted.contains(k)) {
          out.add(path);
          return;
        }
      }
    });
    return out;
  }

  /** The recursive roots among {@link #pathsOf}. */
  public Set<Path> recursiveRootsOf(Collection<ResourceKey> changed) {
    Set<ResourceKey> wanted = Set.copyOf(changed);
    Set<Path> out = new HashSet<>();
    beneath.forEach((path, owners) -> {
      for (ResourceKey k : owners) {
        if (wanted.contains(k)) {
          out.add(path);
          return;
        }
      }
    });
    return out;
  }
}
