package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master started as shipped: the real language compiles the catalogs. */
class MasterWithDslTest {
  @TempDir Path data;
  @TempDir Path code;

  @Test
  void servesCatalogsCompiledFromTheCodeDirectoryAndFollowsEdits() throws Exception {
    Path site = code.resolve("site.groovy");
    Files.writeString(site, "node('default') { file('/tmp/x') { content 'hi' } }\n");
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
      ManagedChannel channel = TestPki.enrolled(master.port(), ca, "web01", TestPki.ecKey());
      try {
        CatalogServiceGrpc.CatalogServiceBlockingStub stub =
            CatalogServiceGrpc.newBlockingStub(channel);
        GetCatalogRequest request = GetCatalogRequest.newBuilder().setNode("web01")
            .setFacts(Facts.getDefaultInstance()).build();

        GetCatalogResponse first = stub.getCatalog(request);

        assertThat(first.hasCatalog()).as(first.toString()).isTrue();
        assertThat(first.getCatalog().getResourcesList()).extracting(Catalogs::key)
            .contains("file[/tmp/x]");
        // An agent that holds this catalog hears "unchanged", without the catalog again.
        GetCatalogRequest holding = request.toBuilder()
            .setKnownDigest(first.getCatalog().getDigest()).build();
        GetCatalogResponse again = stub.getCatalog(holding);
        assertThat(again.getUnchanged()).as(again.toString()).isTrue();
        assertThat(again.hasCatalog()).isFalse();
        assertThat(again.getSecretEnvelopesMap()).isEmpty();
        // A digest it does not compile to gets the whole catalog.
        GetCatalogResponse other = stub.getCatalog(request.toBuilder()
            .setKnownDigest("sha256:" + "0".repeat(64)).build());
        assertThat(other.getCatalog()).isEqualTo(first.getCatalog());

        Files.writeString(site, "node('default') { file('/tmp/y') { content 'hi' } }\n");
        Files.setLastModifiedTime(site, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1100);
        GetCatalogResponse second = stub.getCatalog(holding);

        assertThat(second.getCatalog().getResourcesList()).extracting(Catalogs::key)
            .contains("file[/tmp/y]").doesNotContain("file[/tmp/x]");
      } finally {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void loadsTheCodeAtStartBeforeAnyRequestAndServesItsErrorAsTheCompileFailure()
      throws Exception {
    Files.writeString(code.resolve("site.groovy"), "node('default') {\n  file('/tmp/x' {\n");
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(
        dev.stead.master.code.Environments.class.getName());
    java.util.concurrent.CountDownLatch loaded = new java.util.concurrent.CountDownLatch(1);
    java.util.logging.Handler seen = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord record) {
        if (record.getMessage().startsWith("environment production: code loaded ahead")) {
          loaded.countDown();
        }
      }
      @Override public void flush() { }
      @Override public void close() { }
    };
    log.addHandler(seen);
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      // No catalog request yet: the master loaded the code on its own.
      assertThat(loaded.await(30, TimeUnit.SECONDS)).as("code loaded at start").isTrue();

      X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
      ManagedChannel channel = TestPki.enrolled(master.port(), ca, "web01", TestPki.ecKey());
      try {
        GetCatalogResponse failed = CatalogServiceGrpc.newBlockingStub(channel).getCatalog(
            GetCatalogRequest.newBuilder().setNode("web01")
                .setFacts(Facts.getDefaultInstance()).build());
        assertThat(failed.hasCatalog()).as(failed.toString()).isFalse();
        assertThat(failed.getFailure().getErrors(0).getLocation().getFile())
            .isEqualTo("site.groovy");
        assertThat(failed.getFailure().getErrors(0).getLocation().getLine()).isPositive();
      } finally {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } finally {
      log.removeHandler(seen);
    }
  }
}
