package dev.stead.dsl.testkit;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Fluent assertions over a compiled catalog for module tests, independent of any test
 * framework: every check throws {@link AssertionError} with a message listing what the
 * catalog does contain. Immutable and thread-safe.
 *
 * <pre>{@code
 * CatalogView c = CatalogView.of(compiler.compile("web01", TestFacts.debian().toFacts()));
 * c.resource("file[/etc/motd]").hasParameter("mode", "0644").requires("file[/etc]");
 * }</pre>
 */
public final class CatalogView {
  private final Catalog catalog;

  private CatalogView(Catalog catalog) {
    this.catalog = catalog;
  }

  public static CatalogView of(Catalog catalog) {
    return new CatalogView(Objects.requireNonNull(catalog, "catalog"));
  }

  public Catalog catalog() {
    return catalog;
  }

  /** Resource keys in catalog order. */
  public List<String> keys() {
    return catalog.getResourcesList().stream().map(Catalogs::key).toList();
  }

  public Optional<ResourceView> find(String key) {
    return catalog.getResourcesList().stream().filter(r -> Catalogs.key(r).equals(key))
        .findFirst().map(r -> new ResourceView(this, r));
  }

  /** The resource {@code type[title]}; fails listing the catalog's keys when it is absent. */
  public ResourceView resource(String key) {
    return find(key).orElseThrow(() -> new AssertionError(
        "expected " + key + " in the catalog, which has " + keys()));
  }

  public CatalogView hasNoResource(String key) {
    if (find(key).isPresent()) {
      throw new AssertionError("expected no " + key + " in the catalog, but it is there");
    }
    return this;
  }

  public CatalogView hasResourceCount(int expected) {
    if (catalog.getResourcesCount() != expected) {
      throw new AssertionError("expected " + expected + " resources, got "
          + catalog.getResourcesCount() + ": " + keys());
    }
    return this;
  }

  public CatalogView includesClass(String name) {
    if (!catalog.getClassesList().contains(name)) {
      throw new AssertionError("expected class '" + name + "' in the catalog, which has "
          + catalog.getClassesList());
    }
    return this;
  }

  public CatalogView matchedNode(String expected) {
    if (!catalog.getMatchedNode().equals(expected)) {
      throw new AssertionError("expected node block '" + expected + "' to match, got '"
          + catalog.getMatchedNode() + "'");
    }
    return this;
  }

  /** True when an edge {@code source kind target} was declared. */
  public boolean hasEdge(String source, EdgeKind kind, String target) {
    return catalog.getEdgesList().stream().anyMatch(e -> e.getSource().equals(source)
        && e.getKind() == kind && e.getTarget().equals(target));
  }

  void assertEdge(String source, EdgeKind kind, String target) {
    if (!hasEdge(source, kind, target)) {
      throw new AssertionError("expected " + source + " " + kind.name().toLowerCase()
          + " " + target + "; edges are " + describe(catalog.getEdgesList()));
    }
  }

  private static String describe(List<Edge> edges) {
    return edges.stream().map(e -> e.getSource() + " " + e.getKind().name().toLowerCase()
        + " " + e.getTarget()).toList().toString();
  }

  /** The JSON form, handy in failure messages. */
  @Override
  public String toString() {
    return Catalogs.toJson(catalog);
  }

  static String keyOf(Resource r) {
    return Catalogs.key(r);
  }
}
