package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.CompileFailure;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.RunSlot;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of catalog answer reads back as the answer that was written. */
class CatalogAnswerEncodingTest {
  private final CatalogAnswerEncoding encoding = new CatalogAnswerEncoding();

  private static Catalog catalog(String node) {
    Catalog.Builder catalog = Catalog.newBuilder().setNode(node).setEnvironment("production");
    for (int i = 0; i < 50; i++) {
      catalog.addResources(Resource.newBuilder().setType("file").setTitle("/etc/f" + i)
          .putAllParameters(Values.ofMap(Map.of("content", "line " + i,
              "settings", Map.of("a", i, "b", "x")))));
    }
    return catalog.build();
  }

  private static GetCatalogResponse.Builder answer() {
    return GetCatalogResponse.newBuilder().setMode(Mode.ENFORCE)
        .setRunSlot(RunSlot.newBuilder().setOffsetPpm(412_000).setRank(3).setNodes(8))
        .setServedBy("master-a:8140");
  }

  private GetCatalogResponse roundTrip(GetCatalogResponse answer) throws Exception {
    try (InputStream written = encoding.stream(answer)) {
      return encoding.parse(written);
    }
  }

  @Test
  void aSealedCatalogWithEnvelopesReadsBackWhole() throws Exception {
    Catalog sealed = Catalogs.seal(catalog("web01"));
    GetCatalogResponse answer = answer().setCatalog(sealed)
        .putSecretEnvelopes("db.pass", ByteString.copyFromUtf8("sealed bytes"))
        .setEnvelopesKey("sha256:key").build();

    GetCatalogResponse read = roundTrip(answer);

    assertThat(read).isEqualTo(answer);
    assertThat(Catalogs.verify(read.getCatalog())).isTrue();
  }

  @Test
  void aCatalogNotSealedHereReadsBackWhole() throws Exception {
    Catalog parsed = Catalog.parseFrom(Catalogs.seal(catalog("web02")).toByteArray());
    GetCatalogResponse answer = answer().setCatalog(parsed).build();

    assertThat(roundTrip(answer)).isEqualTo(answer);
  }

  @Test
  void unchangedAndFailedAnswersReadBackWhole() throws Exception {
    GetCatalogResponse unchanged = answer().setUnchanged(true).build();
    GetCatalogResponse failed = answer().setFailure(CompileFailure.newBuilder()
        .addErrors(CompileError.newBuilder().setMessage("no such class 'nginx'"))).build();

    assertThat(roundTrip(unchanged)).isEqualTo(unchanged);
    assertThat(roundTrip(failed)).isEqualTo(failed);
  }
}
