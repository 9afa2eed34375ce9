package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The virtual resources of one compile ({@code virtual { }}) and the requests to realize them,
 * resolved once everything is declared: Puppet's {@code realize} works whichever comes first.
 * Mutable; confined to that compile.
 */
final class VirtualResources {
  /** {@code realize(ref)} (a key) or {@code realize('user', tag: 'x') { filter }} (a query). */
  private record Request(String key, ResourceQuery query, SourceLocation location) {}

  private final Map<String, ResourceDecl> declared = new LinkedHashMap<>();
  private final List<Request> requests = new ArrayList<>();
  private int depth;

  /** Whether a declaration now is virtual (inside {@code virtual { }}). */
  boolean active() {
    return depth > 0;
  }

  void enter() {
    depth++;
  }

  void exit() {
    depth--;
  }

  void declare(ResourceDecl decl) {
    declared.put(decl.key(), decl);
  }

  /** The virtual resource {@code key} not realized (yet), or null. */
  ResourceDecl get(String key) {
    return declared.get(key);
  }

  void realize(String key, SourceLocation here) {
    requests.add(new Request(key, null, here));
  }

  /** Every virtual resource {@code query} matches. */
  void realize(ResourceQuery query) {
    requests.add(new Request(null, query, query.location()));
  }

  /**
   * The virtual resources the requests realize, in the order they are realized, each once;
   * they stop being virtual. A request for a key neither virtual nor in {@code resources} is
   * reported to {@code errors}; a query that matches nothing is not an error, as in Puppet.
   * Runs the queries' filters: call while the compile runs.
   */
  List<ResourceDecl> resolve(Map<String, ResourceDecl> resources,
      Function<ResourceDecl, java.util.SortedSet<String>> tagsOf, String node,
      BiConsumer<SourceLocation, String> errors) {
    List<ResourceDecl> realized = new ArrayList<>();
    Set<String> realizedKeys = new HashSet<>();
    for (Request r : requests) {
      if (r.key() != null) {
        ResourceDecl v = declared.remove(r.key());
        if (v != null) {
          realized.add(v);
          realizedKeys.add(v.key());
        } else if (!resources.containsKey(r.key()) && !realizedKeys.contains(r.key())) {
          errors.accept(r.location(), "realize(" + r.key() + "): " + r.key()
              + " is not declared, virtually or otherwise");
        }
        continue;
      }
      for (ResourceDecl v : List.copyOf(declared.values())) {
        if (r.query().matches(v.spec.name(), v.title, tagsOf.apply(v), v.parameters, node)) {
          declared.remove(v.key());
          realized.add(v);
          realizedKeys.add(v.key());
        }
      }
    }
    return realized;
  }
}
