package dev.stead.dsl.internal;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records which parts of a node's facts one compile read, so a cache can tell which other
 * fact sets would give the same catalog. A path read by {@code get} is recorded as a leaf
 * when its value is not a map (or is absent); a map is handed out as another recording view,
 * and anything that reads a map as a whole (iterating, size, toString, equals) records the
 * map's own path. The views are read-only: code cannot change a node's facts. Thread-safe,
 * though one compile uses it from one thread.
 */
public final class FactReads {
  /** Path read to whether its whole value was read (else only that it is a map). */
  private final Map<List<String>, Boolean> paths = new ConcurrentHashMap<>();

  /** A read-only view of {@code facts} that records reads here. */
  public Map<String, Object> view(Map<String, Object> facts) {
    return new View(this, facts, List.of());
  }

  /**
   * The paths read: true where the whole value (or its absence) was read, false where the
   * code only learnt that the path holds a map (and read inside it).
   */
  public Map<List<String>, Boolean> paths() {
    return Map.copyOf(paths);
  }

  /**
   * What a compile that read {@code path} ({@code whole} as in {@link #paths}) saw there:
   * the value, {@link #ABSENT}, or {@link #A_MAP} for a map only looked into.
   */
  public static Object observed(Map<String, Object> facts, List<String> path, boolean whole) {
    Object at = facts;
    for (String key : path) {
      if (!(at instanceof Map<?, ?> map) || !map.containsKey(key)) {
        return ABSENT;
      }
      at = map.get(key);
    }
    return !whole && at instanceof Map<?, ?> ? A_MAP : at;
  }

  /** Stands for "a map, contents read separately" in cache keys. */
  public static final Object A_MAP = new Object() {
    @Override
    public String toString() {
      return "(a map)";
    }
  };

  /** A null value in a view's memo of reads. */
  private static final Object NULL = new Object();

  /** Stands for "no value at this path" in cache keys. */
  public static final Object ABSENT = new Object() {
    @Override
    public String toString() {
      return "(absent)";
    }
  };

  /** Public so that Groovy dispatches to it without reflective access checks. */
  public static final class View extends AbstractMap<String, Object> {
    private final FactReads reads;
    private final Map<String, Object> facts;
    private final List<String> path;

    View(FactReads reads, Map<String, Object> facts, List<String> path) {
      this.reads = reads;
      this.facts = facts;
      this.path = path;
    }

    private List<String> child(Object key) {
      List<String> p = new ArrayList<>(path.size() + 1);
      p.addAll(path);
      p.add(String.valueOf(key));
      return List.copyOf(p);
    }

    /**
     * What {@code get} returned per key: templates read the same facts over and over. A read
     * is recorded the first time; recording it again would change nothing (put of true and
     * putIfAbsent of false are both idempotent), so a repeated read is answered from here.
     */
    private final Map<String, Object> got = new ConcurrentHashMap<>();

    @Override
    public Object get(Object key) {
      if (key instanceof String name) {
        Object seen = got.get(name);
        if (seen != null) {
          return seen == NULL ? null : seen;
        }
        Object value = read(key);
        got.put(name, value == null ? NULL : value);
        return value;
      }
      return read(key);
    }

    @SuppressWarnings("unchecked")
    private Object read(Object key) {
      List<String> p = child(key);
      Object value = facts.get(key);
      if (value instanceof Map<?, ?> m) {
        reads.paths.putIfAbsent(p, false);
        return new View(reads, (Map<String, Object>) m, p);
      }
      reads.paths.put(p, true);
      return value instanceof List<?> l ? Collections.unmodifiableList(l) : value;
    }

    @Override
    public boolean containsKey(Object key) {
      if (facts.get(key) instanceof Map<?, ?>) {
        // Present as a map: its contents are recorded when read.
        reads.paths.putIfAbsent(child(key), false);
        return true;
      }
      reads.paths.put(child(key), true);
      return facts.containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      reads.paths.put(path, true);
      return Collections.unmodifiableMap(facts).entrySet();
    }

    @Override
    public int size() {
      reads.paths.put(path, true);
      return facts.size();
    }
  }
}
