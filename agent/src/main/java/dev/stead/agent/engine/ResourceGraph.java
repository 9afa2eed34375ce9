package dev.stead.agent.engine;

import dev.stead.agent.resource.CatalogAware;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * The run-time graph of one catalog: every resource bound to its type, the ordering edges
 * (declared ones plus the automatic ones each type declares in the schema, resolved by
 * {@link AutoEdges}) and the refresh subscriptions; types that need to know what the catalog
 * manages ({@link CatalogAware}) are told here. The catalog itself is never changed. Immutable once built, so one
 * graph can serve many runs of the same catalog (see {@code ConvergePlan}).
 *
 * <p>Keys are ordered by their text ({@link ResourceKey#compareTo}); that text is built once
 * per key here and every set is an array of positions in that order, because comparing keys
 * builds both texts on every call, which dominated building the graph of a large catalog.
 */
public final class ResourceGraph {
  /** One vertex. {@code problem} is non-empty when the resource cannot be run at all. */
  public record Node(ResourceKey key, Resource resource, Checkable checkable, String problem) {}

  private final Map<ResourceKey, Node> nodes;
  private final Map<ResourceKey, Set<ResourceKey>> dependencies;
  private final Map<ResourceKey, Set<ResourceKey>> notifiers;
  private final List<ResourceKey> order;
  private final PropertyExceptions exceptions;

  private ResourceGraph(Map<ResourceKey, Node> nodes, Map<ResourceKey, Set<ResourceKey>> deps,
      Map<ResourceKey, Set<ResourceKey>> notifiers, List<ResourceKey> order,
      PropertyExceptions exceptions) {
    this.exceptions = exceptions;
    this.nodes = nodes;
    this.dependencies = deps;
    this.notifiers = notifiers;
    this.order = order;
  }

  /** Binds every resource and orders the graph; problems end up on the nodes, never thrown. */
  public static ResourceGraph build(Catalog catalog, ResourceTypeRegistry registry) {
    Map<ResourceKey, Node> byKey = new HashMap<>();
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
      byKey.put(key, new Node(key, r, checkable, problem)); // a repeated key: the last wins
    }
    int n = byKey.size();
    Named[] named = new Named[n];
    int at = 0;
    for (ResourceKey k : byKey.keySet()) {
      named[at++] = new Named(k.toString(), k);
    }
    Arrays.sort(named, (a, b) -> a.text.compareTo(b.text));
    ResourceKey[] keys = new ResourceKey[n];
    Node[] node = new Node[n];
    Map<ResourceKey, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      keys[i] = named[i].key;
      node[i] = byKey.get(keys[i]);
      index.put(keys[i], i);
    }
    IntSet[] deps = new IntSet[n];
    IntSet[] listeners = new IntSet[n];
    Map<Integer, String> problems = new HashMap<>();
    for (Edge e : catalog.getEdgesList()) {
      ResourceKey source = ResourceKey.parse(e.getSource());
      ResourceKey target = ResourceKey.parse(e.getTarget());
      Integer s = index.get(source);
      if (s == null) {
        continue;
      }
      Integer t = index.get(target);
      if (t == null) {
        problems.putIfAbsent(s, "it refers to " + target + ", which is not in the catalog");
        continue;
      }
      switch (e.getKind()) {
        case REQUIRES -> deps[s] = IntSet.add(deps[s], t);
        case BEFORE -> deps[t] = IntSet.add(deps[t], s);
        case NOTIFIES -> {
          deps[t] = IntSet.add(deps[t], s);
          listeners[t] = IntSet.add(listeners[t], s);
        }
        case SUBSCRIBES -> {
          deps[s] = IntSet.add(deps[s], t);
          listeners[s] = IntSet.add(listeners[s], t);
        }
        default -> problems.putIfAbsent(s, "edge of unknown kind " + e.getKindValue());
      }
    }
    Set<ResourceKey> managed = Collections.unmodifiableSet(byKey.keySet());
    List<Resource> resources = null; // listed only when some type asks
    for (int i = 0; i < n; i++) {
      Node v = node[i];
      if (v.checkable() instanceof CatalogAware aware) {
        aware.seeCatalog(managed);
        if (resources == null) {
          resources = byKey.values().stream().map(Node::resource).toList();
        }
        aware.seeResources(resources);
      }
      for (ResourceKey k : AutoEdges.requiredBy(v.resource(), managed)) {
        deps[i] = IntSet.add(deps[i], index.get(k));
      }
    }
    for (Map.Entry<Integer, String> p : problems.entrySet()) {
      Node v = node[p.getKey()];
      if (v.problem().isEmpty()) {
        node[p.getKey()] = new Node(v.key(), v.resource(), v.checkable(), p.getValue());
      }
    }
    int[] sorted = sort(keys, node, deps);
    Map<ResourceKey, Node> nodes = new HashMap<>(n * 2);
    Map<ResourceKey, Set<ResourceKey>> depSets = new HashMap<>(n * 2);
    Map<ResourceKey, Set<ResourceKey>> listenerSets = new HashMap<>();
    List<ResourceKey> order = new ArrayList<>(n);
    for (int i : sorted) {
      order.add(keys[i]);
    }
    for (int i = 0; i < n; i++) {
      nodes.put(keys[i], node[i]);
      if (deps[i] != null) {
        depSets.put(keys[i], new KeySet(deps[i].sortedKeys(keys)));
      }
      if (listeners[i] != null) {
        listenerSets.put(keys[i], new KeySet(listeners[i].sortedKeys(keys)));
      }
    }
    return new ResourceGraph(Collections.unmodifiableMap(nodes), depSets, listenerSets,
        Collections.unmodifiableList(order), PropertyExceptions.of(catalog, registry));
  }

  /** The drift exceptions the catalog carries. */
  public PropertyExceptions exceptions() {
    return exceptions;
  }

  private record Named(String text, ResourceKey key) {}

  /**
   * Kahn's algorithm, always taking the smallest ready key, so independent resources run in
   * key order. Resources on or behind a cycle come last and get a problem naming the cycle.
   */
  private static int[] sort(ResourceKey[] keys, Node[] node, IntSet[] deps) {
    int n = keys.length;
    int[] waiting = new int[n];
    IntSet[] dependents = new IntSet[n];
    for (int i = 0; i < n; i++) {
      if (deps[i] == null) {
        continue;
      }
      waiting[i] = deps[i].size;
      for (int j = 0; j < deps[i].size; j++) {
        int d = deps[i].items[j];
        dependents[d] = IntSet.append(dependents[d], i);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    int[] order = new int[n];
    boolean[] placed = new boolean[n];
    int count = 0;
    while (!ready.isEmpty()) {
      int next = ready.poll();
      order[count++] = next;
      placed[next] = true;
      IntSet after = dependents[next];
      if (after != null) {
        for (int j = 0; j < after.size; j++) {
          if (--waiting[after.items[j]] == 0) {
            ready.add(after.items[j]);
          }
        }
      }
    }
    if (count < n) {
      TreeSet<ResourceKey> stuck = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        if (!placed[i]) {
          stuck.add(keys[i]);
        }
      }
      String message = "dependency cycle among " + stuck;
      for (int i = 0; i < n; i++) {
        if (!placed[i]) {
          Node v = node[i];
          node[i] = new Node(v.key(), v.resource(), v.checkable(), message);
          order[count++] = i;
        }
      }
    }
    return order;
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
    return dependencies.getOrDefault(key, Set.of());
  }

  /** Resources whose change refreshes {@code key}, sorted. */
  public Set<ResourceKey> notifiers(ResourceKey key) {
    return notifiers.getOrDefault(key, Set.of());
  }

  /** A growable set of positions; most resources have none or one edge. */
  private static final class IntSet {
    int[] items = new int[2];
    int size;

    static IntSet add(IntSet set, int value) {
      IntSet s = set == null ? new IntSet() : set;
      for (int i = 0; i < s.size; i++) {
        if (s.items[i] == value) {
          return s;
        }
      }
      return append(s, value);
    }

    static IntSet append(IntSet set, int value) {
      IntSet s = set == null ? new IntSet() : set;
      if (s.size == s.items.length) {
        s.items = Arrays.copyOf(s.items, s.size * 2);
      }
      s.items[s.size++] = value;
      return s;
    }

    /** Positions are in key order, so sorted positions are sorted keys. */
    ResourceKey[] sortedKeys(ResourceKey[] keys) {
      int[] copy = Arrays.copyOf(items, size);
      Arrays.sort(copy);
      ResourceKey[] out = new ResourceKey[size];
      for (int i = 0; i < size; i++) {
        out[i] = keys[copy[i]];
      }
      return out;
    }
  }

  /** An unmodifiable set over sorted, distinct keys; iteration keeps their order. */
  private static final class KeySet extends AbstractSet<ResourceKey> {
    private final ResourceKey[] keys;

    KeySet(ResourceKey[] keys) {
      this.keys = keys;
    }

    @Override
    public Iterator<ResourceKey> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < keys.length;
        }

        @Override
        public ResourceKey next() {
          if (next >= keys.length) {
            throw new NoSuchElementException();
          }
          return keys[next++];
        }
      };
    }

    @Override
    public int size() {
      return keys.length;
    }
  }
}
