package dev.stead.dsl.internal;

import dev.stead.dsl.FleetView;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.ResourceTags;
import dev.stead.wire.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The resources one compile exports ({@code export { }}) and its requests to collect exported
 * resources ({@code collect('host') { ... }}), resolved once everything is declared, so a
 * node's own exports are collected wherever in its code they stand. Only what a catalog
 * exports is ever read of another node. Mutable; confined to that compile.
 */
final class Exports {
  /**
   * A {@code collect} call and what its resources get where it stands: containers, owning
   * class and noop, as a resource declared there would.
   */
  record Collect(ResourceQuery query, List<String> containers, String owner, Boolean noop) {}

  /** A collected resource and the node that exports it. */
  private record Found(ResourceDecl decl, String node) {}

  private final Map<String, ResourceDecl> declared = new LinkedHashMap<>();
  private final List<Collect> collects = new ArrayList<>();
  private int depth;

  /** Whether a declaration now is exported (inside {@code export { }}). */
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
    decl.exported = true;
    declared.put(decl.key(), decl);
  }

  /** This compile's exported resource {@code key}, or null. */
  ResourceDecl get(String key) {
    return declared.get(key);
  }

  /** This compile's exported resources, in declaration order. */
  Collection<ResourceDecl> declared() {
    return declared.values();
  }

  void collect(Collect request) {
    collects.add(request);
  }

  /** The types this compile collects, in the order first asked. */
  List<String> collectedTypes() {
    List<ResourceQuery> queries = new ArrayList<>();
    collects.forEach(c -> queries.add(c.query()));
    return ResourceQuery.types(queries);
  }

  /**
   * The resources the collect requests name, each once, in a stable order (by node, then
   * type, then title; this node's own exports among them): this node's own exports as
   * declared now, and those the other nodes' latest catalogs export in {@code fleet} (this
   * node's stored one is stale, and left out). A collected resource that this catalog declares
   * otherwise, or that two nodes export, is reported to {@code errors} at the collect line.
   * Runs the queries' filters: call while the compile runs.
   */
  List<ResourceDecl> resolve(FleetView fleet, String node, Map<String, ResourceDecl> resources,
      Predicate<String> virtual, Function<ResourceDecl, SortedSet<String>> tagsOf,
      BiConsumer<SourceLocation, String> errors) {
    Map<String, Found> found = new java.util.TreeMap<>();
    for (Collect c : collects) {
      ResourceQuery q = c.query();
      List<Found> matched = new ArrayList<>();
      for (ResourceDecl own : declared.values()) {
        if (q.matches(own.spec.name(), own.title, tagsOf.apply(own), own.parameters, node)) {
          matched.add(new Found(own, node));
        }
      }
      for (FleetView.Export e : fleet.exports(q.type())) {
        if (e.node().equals(node)) {
          continue;
        }
        Resource r = e.resource();
        Map<String, Object> parameters = Values.toJavaMap(r.getParametersMap());
        if (q.matches(r.getType(), r.getTitle(), ResourceTags.of(r), parameters, e.node())) {
          matched.add(new Found(collected(r, parameters, c), e.node()));
        }
      }
      for (Found f : matched) {
        String key = f.decl().key();
        Found first = found.get(key);
        if (first != null) {
          if (!first.node().equals(f.node())) {
            errors.accept(q.location(), q.describe() + ": " + key + " is exported by both "
                + first.node() + " (" + Locations.format(first.decl().location) + ") and "
                + f.node() + " (" + Locations.format(f.decl().location) + ")");
          }
          continue;
        }
        ResourceDecl here = resources.get(key);
        if (here != null || virtual.test(key)) {
          errors.accept(q.location(), q.describe() + ": " + key + ", exported by " + f.node()
              + " (" + Locations.format(f.decl().location) + "), is also declared in this"
              + " catalog" + (here == null ? " (virtually)" : " at "
              + Locations.format(here.location)));
          continue;
        }
        found.put(key, f);
      }
    }
    List<Found> ordered = new ArrayList<>(found.values());
    ordered.sort(java.util.Comparator.comparing(Found::node)
        .thenComparing(f -> f.decl().spec.name()).thenComparing(f -> f.decl().title));
    return ordered.stream().map(Found::decl).toList();
  }

  /**
   * Null when {@code decl} can be exported, else why not: relationships name resources of
   * the exporting catalog, which the collecting one does not have, a secret would reach
   * every node that collects it, and a directory copied from a module is expanded into its
   * files only in the catalog that manages it.
   */
  static String problem(ResourceDecl decl) {
    if (!decl.relations.isEmpty()) {
      return "exported " + decl.key() + " has relationships (" + decl.relations.get(0).kind()
          .name().toLowerCase(java.util.Locale.ROOT) + " " + decl.relations.get(0).target()
          + "): an exported resource carries none; relate it where it is collected";
    }
    if (SourceTrees.isTree(decl)) {
      return "exported " + decl.key() + " copies a module directory (recurse with source),"
          + " which is expanded only where it is declared: export the files instead";
    }
    for (Map.Entry<String, Object> p : decl.parameters.entrySet()) {
      if (holdsSecret(p.getValue())) {
        return "exported " + decl.key() + ": " + p.getKey() + " holds a secret, which every"
            + " node that collects it would receive; export no secrets";
      }
    }
    return null;
  }

  private static boolean holdsSecret(Object value) {
    if (value instanceof dev.stead.wire.SecretBlob) {
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().anyMatch(Exports::holdsSecret);
    }
    if (value instanceof Collection<?> items) {
      return items.stream().anyMatch(Exports::holdsSecret);
    }
    return false;
  }

  /** Another node's exported resource as declared where {@code c} collects it. */
  private static ResourceDecl collected(Resource r, Map<String, Object> parameters, Collect c) {
    ResourceTypeSpec spec = ResourceTypes.find(r.getType()).orElseThrow();
    ResourceDecl decl = new ResourceDecl(spec, r.getTitle(), r.getSource(), c.containers());
    decl.parameters.putAll(parameters);
    decl.tags.addAll(r.getTagsList());
    decl.owner = c.owner();
    decl.noop = c.noop();
    decl.exported = true;
    return decl;
  }
}
