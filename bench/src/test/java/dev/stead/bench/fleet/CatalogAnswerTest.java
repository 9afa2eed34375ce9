package dev.stead.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.CompileFailure;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.RunSlot;
import dev.stead.wire.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogAnswerTest {
  private static CatalogAnswer read(GetCatalogResponse response) throws Exception {
    return CatalogAnswer.read(CodedInputStream.newInstance(response.toByteArray()));
  }

  @Test
  void aCatalogIsReadForWhatTheAgentKeepsAndTheRestSkipped() throws Exception {
    Catalog.Builder catalog = Catalog.newBuilder().setNode("node-1").setCodeVersion("v7")
        .setEnvironment("production").addClasses("ref").setDigest("sha256:abc");
    for (int i = 0; i < 5; i++) {
      catalog.addResources(Resource.newBuilder().setType("file").setTitle("/etc/app/" + i)
          .putParameters("content", Values.of("line\n".repeat(100)))
          .addContainers("ref").addTags("web"));
    }
    catalog.addEdges(Edge.newBuilder().setSource("file[/etc/app/1]")
        .setTarget("file[/etc/app/0]").setKind(EdgeKind.REQUIRES))
        .addExports(Resource.newBuilder().setType("host").setTitle("node-1"));
    GetCatalogResponse response = GetCatalogResponse.newBuilder().setCatalog(catalog)
        .putSecretEnvelopes("db", ByteString.copyFromUtf8("sealed"))
        .setRunSlot(RunSlot.newBuilder().setOffsetPpm(5).setRank(1).setNodes(3))
        .setServedBy("master-a").build();

    CatalogAnswer answer = read(response);

    assertThat(answer).isEqualTo(new CatalogAnswer(CatalogAnswer.Kind.CATALOG, "sha256:abc",
        "v7", 5, List.of("file[/etc/app/0]", "file[/etc/app/1]", "file[/etc/app/2]")));
  }

  @Test
  void unchangedAndFailedAnswersAreToldApart() throws Exception {
    assertThat(read(GetCatalogResponse.newBuilder().setUnchanged(true)
        .setServedBy("master-a").build()).kind()).isEqualTo(CatalogAnswer.Kind.UNCHANGED);
    assertThat(read(GetCatalogResponse.newBuilder().setFailure(CompileFailure.newBuilder()
        .addErrors(CompileError.newBuilder().setMessage("boom"))).build()).kind())
        .isEqualTo(CatalogAnswer.Kind.FAILURE);
    assertThat(read(GetCatalogResponse.getDefaultInstance()).kind())
        .isEqualTo(CatalogAnswer.Kind.NONE);
  }
}
