package dev.stead.dsl.internal;

import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ResourceTypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A resource being declared during one compile. Mutable; confined to that compile. */
final class ResourceDecl {
  /** A relationship as declared, resolved after evaluation. */
  record Relation(EdgeKind kind, String target, SourceLocation location) {}

  final ResourceTypeSpec spec;
  final String title;
  final SourceLocation location;
  final List<String> containers;
  final Map<String, Object> parameters = new TreeMap<>();
  final List<Relation> relations = new ArrayList<>();
  boolean noop;

  ResourceDecl(ResourceTypeSpec spec, String title, SourceLocation location,
      List<String> containers) {
    this.spec = spec;
    this.title = title;
    this.location = location;
    this.containers = List.copyOf(containers);
  }

  String key() {
    return spec.name() + "[" + title + "]";
  }
}
