package dev.stead.agent;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds sealed catalogs for tests with the proto builders. */
public final class Catalogs4Test {
  private final List<Resource> resources = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();

  public static Catalogs4Test catalog() {
    return new Catalogs4Test();
  }

  /** {@code file(path, "ensure", "file", "content", "hi\n", ...)}. */
  public Catalogs4Test file(String path, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    resources.add(Resource.newBuilder().setType("file").setTitle(path)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("test.groovy").setLine(resources.size() + 1))
        .build());
    return this;
  }

  public Catalogs4Test resource(Resource r) {
    resources.add(r);
    return this;
  }

  public Catalogs4Test edge(String source, EdgeKind kind, String target) {
    edges.add(Edge.newBuilder().setSource(source).setKind(kind).setTarget(target).build());
    return this;
  }

  public Catalog build() {
    return Catalogs.seal(Catalog.newBuilder().setNode("test.example.com")
        .setCodeVersion("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        .setEnvironment("test").addAllResources(resources).addAllEdges(edges).build());
  }
}
