package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.secrets.MasterKey;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc.CatalogServiceBlockingStub;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a check-in is answered "unchanged" and when the catalog comes again with its secrets
 * sealed anew: a node whose catalog holds a secret hears "unchanged" only while it holds
 * envelopes sealed to its current key; a node whose catalog holds none hears it whatever
 * envelopes it says it holds. Asked twice each, so the answer from the compile and the one
 * known without compiling agree.
 */
class CatalogEnvelopesTest {
  @TempDir Path data;
  @TempDir Path code;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  @Test
  void unchangedOnlyWhileTheHeldEnvelopesOpenWithTheNodesKey() throws Exception {
    String blob = MasterKey.loadOrCreate(data)
        .encrypt("db-pa55word".getBytes(StandardCharsets.UTF_8)).text();
    Files.writeString(code.resolve("site.groovy"), """
        node('db01') { file('/etc/db.pass') { content secret('BLOB'); mode '0600' } }
        node('web01') { file('/etc/motd') { content 'hello' } }
        """.replace("BLOB", blob));
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
      CatalogServiceBlockingStub db = enrolled(master, ca, "db01", TestPki.ecKey());
      GetCatalogRequest dbAsks = request("db01");

      GetCatalogResponse first = db.getCatalog(dbAsks);
      assertThat(first.getSecretEnvelopesMap()).hasSize(1);
      String key = first.getEnvelopesKey();
      assertThat(key).isNotEmpty();
      GetCatalogRequest holding = dbAsks.toBuilder()
          .setKnownDigest(first.getCatalog().getDigest()).setKnownEnvelopesKey(key).build();
      for (int i = 0; i < 2; i++) {
        GetCatalogResponse again = db.getCatalog(holding);
        assertThat(again.getUnchanged()).as(again.toString()).isTrue();
        assertThat(again.hasCatalog()).isFalse();
        assertThat(again.getSecretEnvelopesMap()).isEmpty();
      }
      // The agent lost its envelopes, or holds some sealed to another key: the catalog and
      // envelopes for the key it has now.
      for (String held : List.of("", "ec:" + "0".repeat(64))) {
        for (int i = 0; i < 2; i++) {
          GetCatalogResponse resent =
              db.getCatalog(holding.toBuilder().setKnownEnvelopesKey(held).build());
          assertThat(resent.getUnchanged()).as("held " + held).isFalse();
          assertThat(resent.getCatalog()).isEqualTo(first.getCatalog());
          assertThat(resent.getSecretEnvelopesMap()).hasSize(1);
          assertThat(resent.getEnvelopesKey()).isEqualTo(key);
        }
      }

      CatalogServiceBlockingStub web = enrolled(master, ca, "web01", TestPki.ecKey());
      GetCatalogResponse plain = web.getCatalog(request("web01"));
      assertThat(plain.getSecretEnvelopesMap()).isEmpty();
      assertThat(plain.getEnvelopesKey()).isEmpty();
      for (String held : List.of("", "ec:" + "0".repeat(64))) {
        for (int i = 0; i < 2; i++) {
          GetCatalogResponse again = web.getCatalog(request("web01").toBuilder()
              .setKnownDigest(plain.getCatalog().getDigest()).setKnownEnvelopesKey(held)
              .build());
          assertThat(again.getUnchanged()).as("held " + held).isTrue();
        }
      }
    }
  }

  private static GetCatalogRequest request(String node) {
    return GetCatalogRequest.newBuilder().setNode(node).setFacts(Facts.getDefaultInstance())
        .build();
  }

  private CatalogServiceBlockingStub enrolled(Master master, X509Certificate ca, String node,
      KeyPair key) throws Exception {
    ManagedChannel channel = TestPki.enrolled(master.port(), ca, node, key);
    channels.add(channel);
    return CatalogServiceGrpc.newBlockingStub(channel);
  }
}
