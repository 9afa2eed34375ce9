package dev.stead.agent.watch;

import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.Watchable;
import dev.stead.wire.ResourceKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
  public static final WatchSet EMPTY = new WatchSet(Map.of(), Map.of(), Set.of(), Map.of());

  /** Resolved managed path → resources that manage it. */
  private final Map<Path, Set<ResourceKey>> exact;
  /** Resolved directory → resources concerned by any change beneath it. */
  private final Map<Path, Set<ResourceKey>> beneath;
  private final Set<Path> directories;
  /** Every watched resource → its resolved paths. */
  private final Map<ResourceKey, List<Watched>> byKey;

  /** One resolved path of a resource. */
  private record Watched(Path path, boolean beneath) {}

  private WatchSet(Map<Path, Set<ResourceKey>> exact, Map<Path, Set<ResourceKey>> beneath,
      Set<Path> directories, Map<ResourceKey, List<Watched>> byKey) {
    this.exact = exact;
    this.beneath = beneath;
    this.directories = directories;
    this.byKey = byKey;
  }

  /** The watchable resources of {@code graph}, their paths resolved with {@code paths}. */
  public static WatchSet of(ResourceGraph graph, RootedPaths paths) {
    Map<Path, Set<ResourceKey>> exact = new HashMap<>();
    Map<Path, Set<ResourceKey>> beneath = new HashMap<>();
    Set<Path> directories = new LinkedHashSet<>();
    Map<ResourceKey, List<Watched>> byKey = new HashMap<>();
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
        byKey.computeIfAbsent(key, k -> new ArrayList<>())
            .add(new Watched(resolved, watched.beneath()));
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
    Map<ResourceKey, List<Watched>> frozen = new HashMap<>(byKey.size() * 2);
    byKey.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new WatchSet(freeze(exact), freeze(beneath), Set.copyOf(directories),
        Map.copyOf(frozen));
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
    return byKey.keySet();
  }

  /** Every managed path watched, resolved. */
  public Set<Path> paths() {
    return exact.keySet();
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

  /** The resolved paths {@code key} manages (for telling the agent's own writes apart). */
  public List<Path> pathsOf(ResourceKey key) {
    return byKey.getOrDefault(key, List.of()).stream().map(Watched::path).toList();
  }

  /** The recursive directories among {@link #pathsOf}. */
  public List<Path> recursiveRootsOf(ResourceKey key) {
    return byKey.getOrDefault(key, List.of()).stream().filter(Watched::beneath)
        .map(Watched::path).toList();
  }
}
