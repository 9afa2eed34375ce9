package dev.stead.dsl.internal;

import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A resource being declared during one compile. Mutable; confined to that compile. */
final class ResourceDecl {
  /** A relationship as declared, resolved after evaluation. */
  record Relation(EdgeKind kind, String target, SourceLocation location) {}

  final ResourceTypeSpec spec;
  final String title;
  final SourceLocation location;
  final List<String> containers;
  final Map<String, Object> parameters = new TreeMap<>();
  /** Parameters whose value is exactly one data lookup's, and where that data lives. */
  final Map<String, ParameterOrigin> origins = new TreeMap<>();
  final List<Relation> relations = new ArrayList<>();
  /** Set by the resource itself; null until then, when its scope's noop applies. */
  Boolean noop;
  /**
   * The class whose body declared this resource (directly or in a defined type instance
   * there), or null at node level: what a relationship with that class stands for.
   */
  String owner;
  /** Exported ({@code export { }}) by this node, or collected from some node's exports. */
  boolean exported;
  /** Tags the code gave (the resource's own, then its containers'); automatic ones are derived. */
  final java.util.SortedSet<String> tags = new java.util.TreeSet<>();
  private final String key;

  /** A type's parameters by name: the spec's own lookup streams over its list on every call. */
  private record Index(ResourceTypeSpec spec, Map<String, ParameterSpec> byName) {}

  private static final Map<String, Index> INDEX = new ConcurrentHashMap<>();

  ResourceDecl(ResourceTypeSpec spec, String title, SourceLocation location,
      List<String> containers) {
    this.spec = spec;
    this.title = title;
    this.location = location;
    this.containers = List.copyOf(containers);
    this.key = spec.name() + "[" + title + "]";
  }

  String key() {
    return key;
  }

  /** The parameter {@code name} of this resource's type, or null if it has none. */
  ParameterSpec parameter(String name) {
    Index index = INDEX.get(spec.name());
    if (index == null || index.spec() != spec) {
      Map<String, ParameterSpec> byName = new java.util.HashMap<>();
      for (ParameterSpec p : spec.parameters()) {
        byName.putIfAbsent(p.name(), p); // the first of a name, as spec.parameter() finds
      }
      index = new Index(spec, byName);
      INDEX.put(spec.name(), index);
    }
    return index.byName().get(name);
  }
}
