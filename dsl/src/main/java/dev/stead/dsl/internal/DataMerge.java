package dev.stead.dsl.internal;

import dev.stead.dsl.MergeStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Combines the values a lookup found, most specific first, the way Hiera 5 (Puppet 7) does;
 * checked against {@code puppet lookup} by golden files in the tests. As in Hiera, the values
 * are folded from the most specific: the first is converted ({@code unique} makes a flat list
 * of it) and each next one merged into the result, both checked for the strategy's types
 * (so a single value found is returned as it is, even where a merge of two would be refused).
 * Stateless.
 */
final class DataMerge {
  /** One value found: the file it came from (for messages) and the value. */
  record Found(String file, Object value) {}

  private DataMerge() {}

  static Object merge(String key, MergeStrategy strategy, List<Found> found)
      throws DataHierarchy.MergeProblem {
    if (strategy == MergeStrategy.FIRST) {
      return found.get(0).value();
    }
    Object result = convert(strategy, found.get(0).value());
    for (int i = 1; i < found.size(); i++) {
      Found higher = i == 1 ? found.get(0) : null;
      check(key, strategy, result, higher == null ? "the values merged so far" : higher.file());
      check(key, strategy, found.get(i).value(), found.get(i).file());
      result = switch (strategy) {
        case UNIQUE -> union(flatten(result), flatten(found.get(i).value()));
        case HASH -> hashMerge(asMap(result), asMap(found.get(i).value()));
        case DEEP -> deepMerge(result, found.get(i).value());
        default -> throw new IllegalStateException("unhandled merge strategy " + strategy);
      };
    }
    return freeze(result);
  }

  /** The first value as the fold starts from it: {@code unique} makes a flat list without duplicates of it, a single value a one-element list. */
  private static Object convert(MergeStrategy strategy, Object value) {
    if (strategy == MergeStrategy.UNIQUE) {
      return union(flatten(value), List.of());
    }
    return value;
  }

  /** Hiera's type checks: unique takes scalars and lists, hash takes maps, deep takes anything. */
  private static void check(String key, MergeStrategy strategy, Object value, String file)
      throws DataHierarchy.MergeProblem {
    boolean ok = switch (strategy) {
      case UNIQUE -> !(value instanceof Map);
      case HASH -> value instanceof Map;
      default -> true;
    };
    if (!ok) {
      throw new DataHierarchy.MergeProblem("merge '" + strategy.label() + "' of '" + key
          + "' needs " + (strategy == MergeStrategy.HASH ? "maps" : "lists or single values")
          + ", but " + file + " has " + YamlData.kind(value));
    }
  }

  private static List<Object> flatten(Object value) {
    List<Object> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        out.addAll(flatten(item));
      }
    } else {
      out.add(value);
    }
    return out;
  }

  /** Ruby's {@code a | b}: a's items then b's new ones, each once. */
  private static List<Object> union(List<?> a, List<?> b) {
    LinkedHashSet<Object> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return new ArrayList<>(out);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  /** The less specific map's keys in its order, its values replaced by the more specific's, then the more specific's new keys. */
  private static Map<String, Object> hashMerge(Map<String, Object> higher,
      Map<String, Object> lower) {
    Map<String, Object> out = new LinkedHashMap<>(lower);
    out.putAll(higher);
    return out;
  }

  /**
   * The deep_merge library as Hiera calls it (no knockout prefix, no sorting): maps merge key
   * by key, lists are a union (the less specific list's items first), and otherwise the more
   * specific value wins, except that a null never replaces a value and an empty map replaces
   * nothing.
   */
  private static Object deepMerge(Object higher, Object lower) {
    if (higher == null) {
      return lower;
    }
    if (lower == null || Boolean.FALSE.equals(lower)) {
      return higher;
    }
    if (higher instanceof Map<?, ?> h) {
      if (!(lower instanceof Map<?, ?> l)) {
        return h.isEmpty() ? lower : higher;
      }
      Map<String, Object> out = new LinkedHashMap<>(asMap(l));
      for (Map.Entry<String, Object> e : asMap(h).entrySet()) {
        Object existing = out.get(e.getKey());
        out.put(e.getKey(), existing == null || Boolean.FALSE.equals(existing)
            ? itself(e.getValue()) : deepMerge(e.getValue(), existing));
      }
      return out;
    }
    if (higher instanceof List<?> h) {
      return lower instanceof List<?> l ? union(l, h) : higher;
    }
    return higher;
  }

  /** A value merged with itself, as deep_merge does for a key the other side lacks: lists lose duplicates. */
  private static Object itself(Object value) {
    if (value instanceof List<?> list) {
      return union(list, List.of());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      asMap(map).forEach((k, v) -> out.put(k, v == null ? null : itself(v)));
      return out;
    }
    return value;
  }

  static Object freeze(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(freeze(v)));
      return Collections.unmodifiableList(out);
    }
    return value;
  }
}
