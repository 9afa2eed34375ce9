package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileMemo;
import dev.stead.proto.v1.FactRead;
import dev.stead.proto.v1.Resource;
import org.junit.jupiter.api.Test;

/**
 * {@link CatalogStore}: one catalog per node, the last one put, kept across a restart, the
 * exports of each environment's last catalogs, and one compile memo per node.
 */
abstract class CatalogStoreContract extends StoreContract {

  @Test
  void theLastCatalogOfEachNodeIsKept() throws Exception {
    CatalogStore catalogs = store;
    Catalog first = Catalog.newBuilder().setNode("web1").setDigest("sha256:01").build();
    Catalog second = Catalog.newBuilder().setNode("web1").setDigest("sha256:02")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")).build();
    Catalog other = Catalog.newBuilder().setNode("web2").setDigest("sha256:03").build();
    assertThat(catalogs.catalog("web1")).isEmpty();

    catalogs.putCatalog("web1", first);
    catalogs.putCatalog("web1", second);
    catalogs.putCatalog("web2", other);
    reopen();

    assertThat(store.catalog("web1")).contains(second);
    assertThat(store.catalog("web2")).contains(other);
    assertThat(store.catalog("web")).isEmpty();
  }

  @Test
  void theStoredDigestIsReadWithoutTheCatalog() throws Exception {
    Catalog.Builder big = Catalog.newBuilder().setNode("web1").setEnvironment("production")
        .setDigest("sha256:aa");
    for (int i = 0; i < 500; i++) {
      big.addResources(Resource.newBuilder().setType("file").setTitle("/etc/stead/f" + i));
    }
    assertThat(store.catalogDigest("web1")).isEmpty();

    store.putCatalog("web1", big.build());
    assertThat(store.catalogDigest("web1")).contains("sha256:aa");
    store.putCatalog("web1", big.setDigest("sha256:bb").build());
    reopen();
    assertThat(store.catalogDigest("web1")).contains("sha256:bb");
    assertThat(store.catalogDigest("web")).isEmpty();

    store.removeCatalog("web1");
    assertThat(store.catalogDigest("web1")).isEmpty();
  }

  @Test
  void aLargeCatalogComesBackByteForByte() {
    Catalog.Builder big = Catalog.newBuilder().setNode("big").setDigest("sha256:ff");
    for (int i = 0; i < 2_000; i++) {
      big.addResources(Resource.newBuilder().setType("file").setTitle("/etc/stead/f" + i));
    }
    store.putCatalog("big", big.build());

    assertThat(store.catalog("big")).contains(big.build());
  }

  private static Resource host(String title) {
    return Resource.newBuilder().setType("host").setTitle(title).setExported(true).build();
  }

  private static Catalog exporting(String node, String environment, Resource... exports) {
    return Catalog.newBuilder().setNode(node).setEnvironment(environment)
        .setDigest("sha256:" + node + exports.length)
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/private"))
        .addAllExports(java.util.List.of(exports)).build();
  }

  @Test
  void exportsAreThoseOfEachNodesLastCatalogInTheEnvironmentAndNothingElse() throws Exception {
    store.putCatalog("web2", exporting("web2", "production", host("web2")));
    store.putCatalog("web1", exporting("web1", "production", host("web1")));
    store.putCatalog("web1", exporting("web1", "production", host("web1"), host("web1-alias")));
    store.putCatalog("db1", exporting("db1", "production"));
    store.putCatalog("stage1", exporting("stage1", "staging", host("stage1")));
    reopen();

    assertThat(store.exports("production")).containsExactly(
        java.util.Map.entry("web1", java.util.List.of(host("web1"), host("web1-alias"))),
        java.util.Map.entry("web2", java.util.List.of(host("web2"))));
    assertThat(store.exports("staging")).containsOnlyKeys("stage1");
    assertThat(store.exports("other")).isEmpty();

    // A node that stops exporting, or moves to another environment, is gone from the old one.
    store.putCatalog("web2", exporting("web2", "production"));
    store.putCatalog("stage1", exporting("stage1", "production", host("stage1")));
    assertThat(store.exports("production")).containsOnlyKeys("stage1", "web1");
    assertThat(store.exports("staging")).isEmpty();
  }

  @Test
  void aRemovedCatalogIsGoneWithItsExportsAndTheOthersStay() throws Exception {
    store.putCatalog("web1", exporting("web1", "production", host("web1")));
    store.putCatalog("web2", exporting("web2", "production", host("web2")));

    store.removeCatalog("web1");
    store.removeCatalog("never-compiled");
    reopen();

    assertThat(store.catalog("web1")).isEmpty();
    assertThat(store.exports("production")).containsOnlyKeys("web2");
    assertThat(store.catalog("web2")).isPresent();
  }

  private static CompileMemo memo(String digest) {
    return CompileMemo.newBuilder().setIdentity("code-1").setDigest(digest)
        .addFactReads(FactRead.newBuilder().addPath("os").addPath("family").setWhole(true))
        .addCollectedTypes("host").setFleetFacts(true)
        .setInputsSha256(ByteString.copyFrom(new byte[32])).build();
  }

  @Test
  void theLastCompileMemoOfEachNodeIsKeptAndGoesWithItsCatalog() throws Exception {
    assertThat(store.compileMemo("web1")).isEmpty();
    store.putCompileMemo("web1", memo("sha256:01"));
    store.putCompileMemo("web1", memo("sha256:02"));
    store.putCompileMemo("web2", memo("sha256:03"));
    store.putCatalog("web1", Catalog.newBuilder().setNode("web1").setDigest("sha256:02").build());
    reopen();

    assertThat(store.compileMemo("web1")).contains(memo("sha256:02"));
    assertThat(store.compileMemo("web2")).contains(memo("sha256:03"));
    // A cleaned node leaves nothing a later master could answer from.
    store.removeCatalog("web1");
    assertThat(store.compileMemo("web1")).isEmpty();
    assertThat(store.compileMemo("web2")).contains(memo("sha256:03"));
  }
}
