package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sealed catalog's remembered encoding is its deterministic serialization byte for byte, a
 * catalog is never taken for another that carries its digest, and the bytes held stay within
 * the budget.
 */
class CatalogEncodingsTest {
  /** A catalog with maps inserted in random order, nested hashes and lists, edges, exports. */
  private static Catalog unsealed(long seed, int resources) {
    Random random = new Random(seed);
    Catalog.Builder catalog = Catalog.newBuilder().setNode("web" + seed)
        .setEnvironment("production").setCodeVersion("v" + seed).addClasses("base");
    for (int i = 0; i < resources; i++) {
      Map<String, Object> settings = new LinkedHashMap<>();
      for (int k = 0; k < 4; k++) {
        settings.put("key" + random.nextInt(100), List.of("a" + random.nextInt(), k));
      }
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("settings", settings);
      parameters.put("mode", "06" + random.nextInt(8) + "4");
      parameters.put("content", "line " + random.nextLong() + "\nñ\n");
      catalog.addResources(Resource.newBuilder().setType("file").setTitle("/etc/f" + i)
          .putAllParameters(Values.ofMap(parameters)));
      if (i > 0) {
        catalog.addEdges(Edge.newBuilder().setSource("file[/etc/f" + i + "]")
            .setKind(EdgeKind.REQUIRES).setTarget("file[/etc/f" + (i - 1) + "]"));
      }
    }
    catalog.addExports(Resource.newBuilder().setType("host").setTitle("web" + seed)
        .setExported(true));
    return catalog.build();
  }

  @Test
  void aSealedCatalogsEncodingIsItsDeterministicSerialization() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      Catalog sealed = Catalogs.seal(unsealed(seed, 30));

      byte[] encoded = CatalogEncodings.encoded(sealed);

      assertThat(encoded).as("seed %d", seed).isEqualTo(Catalogs.deterministicBytes(sealed));
      assertThat(Catalog.parseFrom(encoded)).as("seed %d", seed).isEqualTo(sealed);
    }
  }

  @Test
  void aCatalogCarryingAnothersDigestIsEncodedAsItIs() throws Exception {
    Catalog sealed = Catalogs.seal(unsealed(7, 10));
    Catalog altered = sealed.toBuilder().setEnvironment("staging").build();
    Catalog equalCopy = Catalog.parseFrom(sealed.toByteArray());

    assertThat(Catalog.parseFrom(CatalogEncodings.encoded(altered))).isEqualTo(altered);
    assertThat(Catalog.parseFrom(CatalogEncodings.encoded(equalCopy))).isEqualTo(sealed);
  }

  @Test
  void theBytesHeldStayWithinTheBudgetAndOlderCatalogsAreSerializedAgain() throws Exception {
    Catalog first = Catalogs.seal(unsealed(100, 400));
    long size = CatalogEncodings.encoded(first).length;
    int beyond = (int) (CatalogEncodings.BUDGET_BYTES / size) + 2;
    for (int i = 0; i < beyond; i++) {
      Catalogs.seal(unsealed(200 + i, 400));
      assertThat(CatalogEncodings.heldBytes()).isLessThanOrEqualTo(
          CatalogEncodings.BUDGET_BYTES);
    }

    assertThat(Catalog.parseFrom(CatalogEncodings.encoded(first))).isEqualTo(first);
  }

  @Test
  void aCatalogParsedFromItsEncodingKeepsIt() throws Exception {
    Catalog sealed = Catalogs.seal(unsealed(9, 20));
    byte[] encoding = CatalogEncodings.encoded(sealed);

    Catalog parsed = CatalogEncodings.parse(encoding);

    assertThat(parsed).isEqualTo(sealed).isNotSameAs(sealed);
    assertThat(CatalogEncodings.encoded(parsed)).isSameAs(encoding);
  }
}
