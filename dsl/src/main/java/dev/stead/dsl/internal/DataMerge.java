package dev.stead.dsl.internal;

import dev.stead.dsl.MergeStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
    return merge(key, strategy, DeepOptions.NONE, found);
  }

  /** As {@link #merge(String, MergeStrategy, List)}, with {@code deep}'s options. */
  static Object merge(String key, MergeStrategy strategy, DeepOptions deep, List<Found> found)
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
        case DEEP -> deepMerge(result, found.get(i).value(), deep, key);
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
   * The deep_merge library as Hiera calls it: maps merge key by key, lists are a union (the
   * less specific list's items first), and otherwise the more specific value wins, except
   * that a null never replaces a value and an empty map replaces nothing. With a knockout
   * prefix, a more specific list item {@code --x} removes {@code x} from the less specific
   * list (and is itself dropped), and a more specific value {@code --x} replaces the less
   * specific one with an empty text; with sorting, every united list comes out sorted.
   */
  private static Object deepMerge(Object higher, Object lower, DeepOptions options, String key)
      throws DataHierarchy.MergeProblem {
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
        // deep_merge merges a key the other side lacks with itself: lists lose duplicates
        // and knockouts, as they would against a copy of themselves.
        Object into = existing == null || Boolean.FALSE.equals(existing)
            ? e.getValue() : existing;
        out.put(e.getKey(), deepMerge(e.getValue(), into, options, key));
      }
      return out;
    }
    if (higher instanceof List<?> h) {
      return lower instanceof List<?> l ? unite(l, h, options, key) : withoutKnockouts(h, options);
    }
    return options.knocksOut(higher) ? "" : higher;
  }

  private static List<Object> unite(List<?> lower, List<?> higher, DeepOptions options,
      String key) throws DataHierarchy.MergeProblem {
    List<Object> kept = new ArrayList<>(lower);
    List<Object> added = new ArrayList<>(higher.size());
    for (Object item : higher) {
      if (options.knocksOut(item)) {
        String named = options.knockedOut((String) item);
        kept.removeIf(old -> named.equals(old) || item.equals(old));
      } else {
        added.add(item);
      }
    }
    List<Object> out = union(kept, added);
    if (options.sortMergedArrays()) {
      sort(out, key);
    }
    return out;
  }

  private static List<Object> withoutKnockouts(List<?> list, DeepOptions options) {
    List<Object> out = new ArrayList<>(list);
    out.removeIf(options::knocksOut);
    return out;
  }

  /** Ruby's {@code sort!}: texts or numbers, not a mix of them, nor maps or lists. */
  private static void sort(List<Object> list, String key) throws DataHierarchy.MergeProblem {
    boolean texts = list.stream().allMatch(String.class::isInstance);
    boolean numbers = list.stream().allMatch(Number.class::isInstance);
    if (texts) {
      list.sort(Comparator.comparing(String.class::cast));
    } else if (numbers) {
      list.sort(Comparator.comparingDouble(n -> ((Number) n).doubleValue()));
    } else {
      throw new DataHierarchy.MergeProblem("merge 'deep' of '" + key + "' with "
          + "sort_merged_arrays cannot sort " + list + ": its items must be all texts or all "
          + "numbers");
    }
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
