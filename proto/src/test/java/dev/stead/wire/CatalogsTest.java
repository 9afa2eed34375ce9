package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogsTest {
  private static Resource file(String path, Map<String, Object> parameters) {
    return Resource.newBuilder().setType("file").setTitle(path)
        .putAllParameters(Values.ofMap(parameters)).build();
  }

  @Test
  void sealingSortsAndDigestsWhateverTheInsertionOrder() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("mode", "0644");
    ab.put("content", "a");
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("content", "a");
    ba.put("mode", "0644");
    Edge edge = Edge.newBuilder().setSource("file[/a]").setKind(EdgeKind.REQUIRES)
        .setTarget("file[/b]").build();
    Catalog one = Catalogs.seal(Catalog.newBuilder().setNode("n")
        .addResources(file("/b", Map.of())).addResources(file("/a", ab))
        .addEdges(edge).addEdges(edge).build());
    Catalog two = Catalogs.seal(Catalog.newBuilder().setNode("n")
        .addResources(file("/a", ba)).addResources(file("/b", Map.of()))
        .addEdges(edge).build());

    assertThat(one.getDigest()).startsWith("sha256:").isEqualTo(two.getDigest());
    assertThat(one.getResourcesList()).extracting(Catalogs::key)
        .containsExactly("file[/a]", "file[/b]");
    assertThat(one.getEdgesList()).hasSize(1);
    assertThat(Catalogs.verify(one)).isTrue();
    assertThat(Catalogs.verify(one.toBuilder().setNode("other").build())).isFalse();
  }

  @Test
  void jsonKeepsPunctuationReadableButEscapedBackslashesIntact() {
    Catalog catalog = Catalogs.seal(Catalog.newBuilder().setNode("n")
        .addResources(file("/a", Map.of("content", "a=b <c> & 'd' \\u003d"))).build());
    String json = Catalogs.toJson(catalog);
    assertThat(json).contains("a=b <c> & 'd' \\\\u003d");
  }

  @Test
  void valuesKeepIntegersIntegral() {
    assertThat(Values.of(4).getIntValue()).isEqualTo(4L);
    assertThat(Values.toJava(Values.of(Map.of("count", 2)))).isEqualTo(Map.of("count", 2L));
  }

  @Test
  void fingerprintsMatchWithOrWithoutColonsAndPrefix() {
    String fp = Fingerprints.ofDer(new byte[] {1, 2, 3});
    assertThat(fp).startsWith("SHA256:").matches("SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(Fingerprints.matches(fp, fp.substring(7).replace(":", "").toLowerCase())).isTrue();
    assertThat(Fingerprints.matches(fp, "SHA256:00")).isFalse();
    assertThat(Fingerprints.matches(fp, "")).isFalse();
  }
}
