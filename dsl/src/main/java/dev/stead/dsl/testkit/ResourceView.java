package dev.stead.dsl.testkit;

import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Values;
import java.util.Objects;

/**
 * One resource of a {@link CatalogView}, with fluent checks that throw
 * {@link AssertionError}. Parameter values are compared in their plain Java form (String,
 * Long, Boolean, List, Map), so {@code hasParameter("mode", "0644")} reads naturally.
 * Immutable.
 */
public final class ResourceView {
  private final CatalogView catalog;
  private final Resource resource;

  ResourceView(CatalogView catalog, Resource resource) {
    this.catalog = catalog;
    this.resource = resource;
  }

  public Resource resource() {
    return resource;
  }

  public String key() {
    return CatalogView.keyOf(resource);
  }

  /** The parameter's plain Java value, or null when the code did not set it. */
  public Object parameter(String name) {
    Value v = resource.getParametersMap().get(name);
    return v == null ? null : Values.toJava(v);
  }

  public ResourceView hasParameter(String name, Object expected) {
    Object actual = parameter(name);
    Object want = expected instanceof Integer i ? Long.valueOf(i) : expected;
    if (!Objects.equals(actual, want)) {
      throw new AssertionError(key() + ": expected " + name + " = " + want + ", got "
          + (resource.getParametersMap().containsKey(name) ? actual : "(unset)"));
    }
    return this;
  }

  /** Checks that the parameter's string value contains {@code fragment}. */
  public ResourceView parameterContains(String name, String fragment) {
    Object actual = parameter(name);
    if (actual == null || !actual.toString().contains(fragment)) {
      throw new AssertionError(key() + ": expected " + name + " to contain '" + fragment
          + "', got " + actual);
    }
    return this;
  }

  public ResourceView hasNoParameter(String name) {
    if (resource.getParametersMap().containsKey(name)) {
      throw new AssertionError(key() + ": expected " + name + " unset, got " + parameter(name));
    }
    return this;
  }

  public ResourceView containedIn(String className) {
    if (!resource.getContainersList().contains(className)) {
      throw new AssertionError(key() + ": expected to be in class '" + className + "', is in "
          + resource.getContainersList());
    }
    return this;
  }

  /** Every tag of the resource, automatic ones included (type, title, classes, module). */
  public java.util.SortedSet<String> tags() {
    return dev.stead.wire.ResourceTags.of(resource);
  }

  public ResourceView tagged(String... expected) {
    for (String tag : expected) {
      if (!tags().contains(tag)) {
        throw new AssertionError(key() + ": expected tag '" + tag + "', has " + tags());
      }
    }
    return this;
  }

  public ResourceView notTagged(String tag) {
    if (tags().contains(tag)) {
      throw new AssertionError(key() + ": expected no tag '" + tag + "', has " + tags());
    }
    return this;
  }

  public ResourceView isNoop() {
    if (!resource.getNoop()) {
      throw new AssertionError(key() + ": expected noop");
    }
    return this;
  }

  public ResourceView isNotNoop() {
    if (resource.getNoop()) {
      throw new AssertionError(key() + ": expected not noop");
    }
    return this;
  }

  public ResourceView requires(String target) {
    catalog.assertEdge(key(), EdgeKind.REQUIRES, target);
    return this;
  }

  public ResourceView before(String target) {
    catalog.assertEdge(key(), EdgeKind.BEFORE, target);
    return this;
  }

  public ResourceView notifies(String target) {
    catalog.assertEdge(key(), EdgeKind.NOTIFIES, target);
    return this;
  }

  public ResourceView subscribes(String target) {
    catalog.assertEdge(key(), EdgeKind.SUBSCRIBES, target);
    return this;
  }

  /** {@code file:line} where the resource was declared. */
  public String source() {
    return resource.getSource().getFile() + ":" + resource.getSource().getLine();
  }
}
