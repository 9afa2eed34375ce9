package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.FileChunk;
import dev.stead.proto.v1.FileServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.GetFileRequest;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import dev.stead.wire.SourceFiles;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two masters on one PostgreSQL store serve a node's module files by the catalog the store
 * holds for it, whichever master compiled it: an agent that got a new catalog from one master
 * and fails over to the other for its files in the same run gets them there.
 */
class SharedStoreFilesTest {
  @TempDir Path tmp;
  private final MastersOnOneStore masters = new MastersOnOneStore();

  @AfterEach
  void tearDown() throws Exception {
    masters.close();
  }

  private Master start(Path data, Path code, StoreConfig store, boolean caRole,
      CatalogSource source) throws Exception {
    return masters.start(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")
        .withStore(store).withCaRole(caRole), source);
  }

  /** A catalog whose one file comes from {@code source}, with the checksum of its bytes. */
  private static Catalog sourcing(String node, Path code, String source) throws Exception {
    byte[] bytes = Files.readAllBytes(code.resolve("modules/app/files")
        .resolve(source.substring("app/".length())));
    String checksum = SourceFiles.checksum(new ByteArrayInputStream(bytes));
    return Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/app.conf")
            .putParameters("source", Value.newBuilder().setStringValue(source).build())
            .putParameters("checksum", Value.newBuilder().setStringValue(checksum).build()))
        .build());
  }

  private static String checksumOf(GetCatalogResponse answer) {
    return answer.getCatalog().getResources(0).getParametersMap().get("checksum")
        .getStringValue();
  }

  private static String fetch(ManagedChannel channel, String checksum) {
    Iterator<FileChunk> chunks = FileServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getFile(GetFileRequest.newBuilder().setChecksum(checksum).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEachRemaining(chunk -> out.writeBytes(chunk.getData().toByteArray()));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aFileOfTheCatalogTheOtherMasterStoredIsServed() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    StoreConfig store = StoreConfig.postgres(cluster.createDatabase(), cluster.credentials());
    Path code = Files.createDirectories(tmp.resolve("code/modules/app/files")).getParent()
        .getParent().getParent();
    Files.writeString(code.resolve("modules/app/files/old.conf"), "the old file\n");
    Files.writeString(code.resolve("modules/app/files/new.conf"), "the new file\n");
    // The code as it changes between two runs: the file the catalog names.
    AtomicReference<String> named = new AtomicReference<>("app/old.conf");
    CatalogSource source = (node, facts) -> {
      try {
        return CompileOutcome.compiled(sourcing(node, code, named.get()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    Path dataA = tmp.resolve("a");
    Master a = start(dataA, code, store, true, source);
    Master b = start(tmp.resolve("b"), code, store, false, source);
    X509Certificate ca = Pem.readCertificate(dataA.resolve("ca/ca.pem"));
    MastersOnOneStore.Enrolled web1 = masters.enrol(a, ca, "web1");
    ManagedChannel onA = masters.channel(a, ca, web1);
    ManagedChannel onB = masters.channel(b, ca, web1);

    // A run through B: B stores the catalog and learns which file web1 may fetch.
    String oldSum = checksumOf(CatalogServiceGrpc.newBlockingStub(onB)
        .getCatalog(GetCatalogRequest.newBuilder().setNode("web1").build()));
    assertThat(fetch(onB, oldSum)).isEqualTo("the old file\n");

    // The code changes; the next run gets its catalog from A, then its file from B.
    named.set("app/new.conf");
    String newSum = checksumOf(CatalogServiceGrpc.newBlockingStub(onA)
        .getCatalog(GetCatalogRequest.newBuilder().setNode("web1").build()));
    assertThat(newSum).isNotEqualTo(oldSum);
    assertThat(fetch(onB, newSum)).isEqualTo("the new file\n");
    // What the stored catalog no longer names is refused, on either master.
    for (ManagedChannel channel : List.of(onA, onB)) {
      assertThatThrownBy(() -> fetch(channel, oldSum))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
              e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
  }
}
