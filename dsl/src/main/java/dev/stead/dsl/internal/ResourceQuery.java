package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ResourceTypes;
import groovy.lang.Closure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * The one query syntax of {@code realize} and {@code collect}: a resource type, optionally
 * {@code tag:} (a tag or a list: any of them), optionally a filter closure that gets each
 * candidate as a read-only map ({@code type}, {@code title}, {@code tags}: every tag the
 * automatic ones included, {@code parameters}, {@code node}: the node whose code declared it)
 * and keeps it when it returns a true value. Immutable, apart from the closure, which runs
 * sandboxed on the compile's thread like any code.
 */
final class ResourceQuery {
  private final String function;
  private final String type;
  private final Set<String> tags;
  private final Closure<?> filter;
  private final SourceLocation location;

  private ResourceQuery(String function, String type, Set<String> tags, Closure<?> filter,
      SourceLocation location) {
    this.function = function;
    this.type = type;
    this.tags = Set.copyOf(tags);
    this.filter = filter;
    this.location = location;
  }

  /**
   * {@code function('type', tag: x) { filter }} as written at {@code here}, or null after
   * reporting to {@code errors} why it is not a query.
   */
  static ResourceQuery parse(String function, String type, Map<?, ?> options, Closure<?> filter,
      SourceLocation here, ResourceTagging tagging, BiConsumer<SourceLocation, String> errors) {
    if (ResourceTypes.find(type).isEmpty()) {
      errors.accept(here, function + "(): unknown resource type '" + type + "'");
      return null;
    }
    Set<String> tags = new TreeSet<>();
    for (Map.Entry<?, ?> e : options.entrySet()) {
      if (!"tag".equals(String.valueOf(e.getKey()))) {
        errors.accept(here, function + "('" + type + "', ...): unknown option '" + e.getKey()
            + "' (known: tag, and a filter closure: " + function + "('" + type
            + "') { it.tags.contains('web') })");
        return null;
      }
      tagging.add(tags, e.getValue(), here);
    }
    return new ResourceQuery(function, type, tags, filter, here);
  }

  String function() {
    return function;
  }

  String type() {
    return type;
  }

  SourceLocation location() {
    return location;
  }

  /** {@code realize('user', tag: 'admins')} as text, for messages. */
  String describe() {
    return function + "('" + type + "'" + (tags.isEmpty() ? "" : ", tag: " + tags)
        + (filter == null ? ")" : ") { ... }");
  }

  /**
   * Whether a resource matches: its type, one of the tags (when asked), and the filter.
   * Runs the filter closure, which is user code: call only while the compile runs.
   */
  boolean matches(String resourceType, String title, SortedSet<String> allTags,
      Map<String, Object> parameters, String node) {
    if (!resourceType.equals(type)) {
      return false;
    }
    if (!tags.isEmpty() && Collections.disjoint(allTags, tags)) {
      return false;
    }
    if (filter == null) {
      return true;
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("type", resourceType);
    view.put("title", title);
    view.put("tags", List.copyOf(allTags));
    view.put("parameters", Collections.unmodifiableMap(new LinkedHashMap<>(parameters)));
    view.put("node", node);
    return DefaultTypeTransformation.castToBoolean(
        filter.call(Collections.unmodifiableMap(view)));
  }

  /** The queries' types, for the compile cache's record of what was collected. */
  static List<String> types(List<ResourceQuery> queries) {
    List<String> out = new ArrayList<>();
    for (ResourceQuery q : queries) {
      if (!out.contains(q.type)) {
        out.add(q.type);
      }
    }
    return out;
  }
}
