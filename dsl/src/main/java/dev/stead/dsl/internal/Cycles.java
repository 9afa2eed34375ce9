package dev.stead.dsl.internal;

import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds a dependency cycle after normalising every edge to "a before b" ({@code requires}
 * and {@code subscribes} point the other way). Deterministic: nodes and neighbours are
 * visited in key order, so the same catalog always reports the same cycle. Stateless.
 */
final class Cycles {
  /** A cycle as keys ({@code a -> b -> a}) and one declared edge on it, for its location. */
  record Cycle(List<String> path, Edge edge) {}

  private Cycles() {}

  static Optional<Cycle> find(List<Edge> edges) {
    Map<String, TreeSet<String>> after = new TreeMap<>();
    Map<String, Edge> declared = new HashMap<>();
    for (Edge e : edges) {
      boolean reversed = e.getKind() == EdgeKind.REQUIRES || e.getKind() == EdgeKind.SUBSCRIBES;
      String first = reversed ? e.getTarget() : e.getSource();
      String second = reversed ? e.getSource() : e.getTarget();
      after.computeIfAbsent(first, k -> new TreeSet<>()).add(second);
      after.computeIfAbsent(second, k -> new TreeSet<>());
      declared.putIfAbsent(first + "\n" + second, e);
    }
    Map<String, Integer> state = new HashMap<>();
    List<String> stack = new ArrayList<>();
    for (String start : after.keySet()) {
      List<String> cycle = visit(start, after, state, stack);
      if (cycle != null) {
        return Optional.of(new Cycle(cycle, declared.get(cycle.get(0) + "\n" + cycle.get(1))));
      }
    }
    return Optional.empty();
  }

  /** Depth-first search; 1 = on the stack, 2 = done. Returns the cycle closed at this node. */
  private static List<String> visit(String node, Map<String, TreeSet<String>> after,
      Map<String, Integer> state, List<String> stack) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(node), stack.size()));
      cycle.add(node);
      return cycle;
    }
    state.put(node, 1);
    stack.add(node);
    for (String next : after.get(node)) {
      List<String> cycle = visit(next, after, state, stack);
      if (cycle != null) {
        return cycle;
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node, 2);
    return null;
  }
}
