package dev.stead.dsl.internal;

import dev.stead.dsl.FleetView;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Values;
import groovy.lang.Closure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * What {@code fleetFacts(path) { filter }} returns: one read-only {@code [node: n, value: v]}
 * per node that has a value at {@code path} and that the filter keeps, sorted by node. The
 * filter sees {@code [node: n, facts: ...]}, where {@code facts} holds only the allowed
 * paths (as nested maps, {@code it.facts.networking.ip}); any other fact reads as absent.
 */
final class FleetFacts {
  private FleetFacts() {}

  /** Runs {@code filter} (user code, may be null): call while the compile runs. */
  static List<Map<String, Object>> select(FleetView fleet, String path, Closure<?> filter) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, SortedMap<String, Value>> node : fleet.facts().entrySet()) {
      Value value = FleetView.valueAt(node.getValue(), path);
      if (value == null) {
        continue;
      }
      if (filter != null) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("node", node.getKey());
        view.put("facts", nested(node.getValue()));
        if (!DefaultTypeTransformation.castToBoolean(
            filter.call(Collections.unmodifiableMap(view)))) {
          continue;
        }
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("node", node.getKey());
      entry.put("value", Values.toJava(value));
      out.add(Collections.unmodifiableMap(entry));
    }
    return Collections.unmodifiableList(out);
  }

  /** {@code networking.ip -> v} as {@code [networking: [ip: v]]}, read-only. */
  private static Map<String, Object> nested(SortedMap<String, Value> byPath) {
    Map<String, Object> root = new TreeMap<>();
    for (Map.Entry<String, Value> fact : byPath.entrySet()) {
      String[] parts = fact.getKey().split("\\.");
      Map<String, Object> at = root;
      for (int i = 0; i < parts.length - 1 && at != null; i++) {
        Object next = at.computeIfAbsent(parts[i], k -> new TreeMap<String, Object>());
        // Not one of ours: a shallower allowed path's value, which already holds this one.
        @SuppressWarnings("unchecked")
        Map<String, Object> child = next instanceof TreeMap<?, ?> ? (Map<String, Object>) next
            : null;
        at = child;
      }
      if (at != null) {
        at.putIfAbsent(parts[parts.length - 1], Values.toJava(fact.getValue()));
      }
    }
    return readOnly(root);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readOnly(Map<String, Object> map) {
    Map<String, Object> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(k, v instanceof TreeMap<?, ?> m
        ? readOnly((Map<String, Object>) m) : v));
    return Collections.unmodifiableMap(copy);
  }
}
