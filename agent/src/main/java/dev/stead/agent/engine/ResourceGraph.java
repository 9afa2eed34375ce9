package dev.stead.agent.engine;

import dev.stead.agent.resource.AutoRequires;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The run-time graph of one catalog: every resource bound to its type, the ordering edges
 * (declared ones plus automatic ones: a type's own {@link AutoRequires}, such as a file's
 * managed parent directory, and the engine's {@link AutoEdges}) and the
 * refresh subscriptions. The catalog itself is never changed. Immutable once built.
 */
public final class ResourceGraph {
  /** One vertex. {@code problem} is non-empty when the resource cannot be run at all. */
  public record Node(ResourceKey key, Resource resource, Checkable checkable, String problem) {}

  private final Map<ResourceKey, Node> nodes;
  private final Map<ResourceKey, Set<ResourceKey>> dependencies;
  private final Map<ResourceKey, Set<ResourceKey>> notifiers;
  private final List<ResourceKey> order;

  private ResourceGraph(Map<ResourceKey, Node> nodes, Map<ResourceKey, Set<ResourceKey>> deps,
      Map<ResourceKey, Set<ResourceKey>> notifiers, List<ResourceKey> order) {
    this.nodes = nodes;
    this.dependencies = deps;
    this.notifiers = notifiers;
    this.order = order;
  }

  /** Binds every resource and orders the graph; problems end up on the nodes, never thrown. */
  public static ResourceGraph build(Catalog catalog, ResourceTypeRegistry registry) {
    Map<ResourceKey, Node> nodes = new TreeMap<>();
    Map<ResourceKey, String> problems = new HashMap<>();
    for (Resource r : catalog.getResourcesList()) {
      ResourceKey key = ResourceKey.of(r.getType(), r.getTitle());
      Optional<ResourceType> type = registry.find(r.getType());
      Checkable checkable = null;
      String problem = "";
      if (type.isEmpty()) {
        problem = "unknown resource type `" + r.getType() + "` (this agent knows "
            + String.join(", ", registry.names()) + ")";
      } else {
        try {
          checkable = type.get().bind(r);
        } catch (InvalidResourceException e) {
          problem = "invalid resource: " + e.getMessage();
        }
      }
      nodes.put(key, new Node(key, r, checkable, problem));
    }
    Map<ResourceKey, Set<ResourceKey>> deps = new HashMap<>();
    Map<ResourceKey, Set<ResourceKey>> listeners = new HashMap<>();
    nodes.keySet().forEach(k -> deps.put(k, new TreeSet<>()));
    for (Edge e : catalog.getEdgesList()) {
      ResourceKey source = ResourceKey.parse(e.getSource());
      ResourceKey target = ResourceKey.parse(e.getTarget());
      if (!nodes.containsKey(source)) {
        continue;
      }
      if (!nodes.containsKey(target)) {
        problems.putIfAbsent(source, "it refers to " + target + ", which is not in the catalog");
        continue;
      }
      switch (e.getKind()) {
        case REQUIRES -> deps.get(source).add(target);
        case BEFORE -> deps.get(target).add(source);
        case NOTIFIES -> {
          deps.get(target).add(source);
          listeners.computeIfAbsent(target, k -> new TreeSet<>()).add(source);
        }
        case SUBSCRIBES -> {
          deps.get(source).add(target);
          listeners.computeIfAbsent(source, k -> new TreeSet<>()).add(target);
        }
        default -> problems.putIfAbsent(source, "edge of unknown kind " + e.getKindValue());
      }
    }
    Set<ResourceKey> managed = Collections.unmodifiableSet(nodes.keySet());
    for (Node n : nodes.values()) {
      if (n.checkable() instanceof AutoRequires auto) {
        for (ResourceKey k : auto.autoRequires(managed)) {
          if (!k.equals(n.key()) && managed.contains(k)) {
            deps.get(n.key()).add(k);
          }
        }
      }
      deps.get(n.key()).addAll(AutoEdges.requiredBy(n.resource(), managed));
    }
    for (Map.Entry<ResourceKey, String> p : problems.entrySet()) {
      Node n = nodes.get(p.getKey());
      if (n.problem().isEmpty()) {
        nodes.put(n.key(), new Node(n.key(), n.resource(), n.checkable(), p.getValue()));
      }
    }
    List<ResourceKey> order = sort(nodes, deps);
    return new ResourceGraph(Collections.unmodifiableMap(nodes), deps, listeners, order);
  }

  /**
   * Kahn's algorithm, always taking the smallest ready key, so independent resources run in
   * key order. Resources on or behind a cycle come last and get a problem naming the cycle.
   */
  private static List<ResourceKey> sort(Map<ResourceKey, Node> nodes,
      Map<ResourceKey, Set<ResourceKey>> deps) {
    Map<ResourceKey, Integer> waiting = new HashMap<>();
    Map<ResourceKey, List<ResourceKey>> dependents = new HashMap<>();
    for (Map.Entry<ResourceKey, Set<ResourceKey>> e : deps.entrySet()) {
      waiting.put(e.getKey(), e.getValue().size());
      for (ResourceKey d : e.getValue()) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(e.getKey());
      }
    }
    TreeSet<ResourceKey> ready = new TreeSet<>();
    waiting.forEach((k, n) -> {
      if (n == 0) {
        ready.add(k);
      }
    });
    List<ResourceKey> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      ResourceKey next = ready.pollFirst();
      order.add(next);
      for (ResourceKey d : dependents.getOrDefault(next, List.of())) {
        if (waiting.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() < nodes.size()) {
      TreeSet<ResourceKey> stuck = new TreeSet<>(nodes.keySet());
      order.forEach(stuck::remove);
      String message = "dependency cycle among " + stuck;
      for (ResourceKey k : stuck) {
        Node n = nodes.get(k);
        nodes.put(k, new Node(k, n.resource(), n.checkable(), message));
        order.add(k);
      }
    }
    return Collections.unmodifiableList(order);
  }

  /** Every resource, dependencies before dependents, ties in key order. */
  public List<ResourceKey> order() {
    return order;
  }

  public Node node(ResourceKey key) {
    return nodes.get(key);
  }

  /** What must be applied before {@code key}, sorted. */
  public Set<ResourceKey> dependencies(ResourceKey key) {
    return Collections.unmodifiableSet(dependencies.getOrDefault(key, Set.of()));
  }

  /** Resources whose change refreshes {@code key}, sorted. */
  public Set<ResourceKey> notifiers(ResourceKey key) {
    return Collections.unmodifiableSet(notifiers.getOrDefault(key, Set.of()));
  }
}
