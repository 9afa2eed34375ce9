package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted master defines its code's classes from its data directory, not compiling. */
class MasterCodeCacheTest {
  @TempDir Path data;
  @TempDir Path code;

  @Test
  void aRestartedMasterServesTheSameCatalogFromCachedClasses() throws Exception {
    Files.createDirectories(code.resolve("modules/motd/manifests"));
    Files.writeString(code.resolve("modules/motd/manifests/init.groovy"),
        "klass('motd') {\n  file('/etc/motd') { content \"hello ${trusted.certname}\\n\" }\n}\n");
    Files.writeString(code.resolve("site.groovy"), "node('default') { include 'motd' }\n");
    LogCapture logged = LogCapture.of(dev.stead.master.code.DslCatalogSource.class);
    KeyPair key = TestPki.ecKey();
    try {
      String certificate;
      Catalog first;
      try (Master master = Master.builder(
          new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
        X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
        ManagedChannel anonymous = TestPki.channel(master.port(), ca, null, null);
        CertificateStatus status = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
            SubmitCsrRequest.newBuilder().setCertname("web01")
                .setCsrPem(TestPki.csr("web01", key)).build());
        anonymous.shutdownNow();
        certificate = status.getCertificatePem();
        first = catalog(master, key, certificate);
      }
      assertThat(logged.messages()).noneMatch(m -> m.contains("from the code cache"));
      assertThat(data.resolve("code-cache")).isDirectory();

      try (Master restarted = Master.builder(
          new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
        Catalog again = catalog(restarted, key, certificate);
        assertThat(again).isEqualTo(first);
        assertThat(again.getResourcesList()).singleElement()
            .satisfies(r -> assertThat(r.toString()).contains("hello web01"));
      }
      assertThat(logged.messages()).anyMatch(m -> m.contains("2 scripts defined from the code cache"));
    } finally {
      logged.close();
    }
  }

  private Catalog catalog(Master master, KeyPair key, String certificate) throws Exception {
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    ManagedChannel channel = TestPki.channel(master.port(), ca, key.getPrivate(),
        Pem.parseCertificate(certificate));
    try {
      GetCatalogResponse response = CatalogServiceGrpc.newBlockingStub(channel).getCatalog(
          GetCatalogRequest.newBuilder().setNode("web01")
              .setFacts(Facts.getDefaultInstance()).build());
      assertThat(response.hasCatalog()).as(response.toString()).isTrue();
      return response.getCatalog();
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
