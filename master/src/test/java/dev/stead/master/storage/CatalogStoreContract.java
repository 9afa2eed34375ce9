package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import org.junit.jupiter.api.Test;

/** {@link CatalogStore}: one catalog per node, the last one put, kept across a restart. */
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
  void aLargeCatalogComesBackByteForByte() {
    Catalog.Builder big = Catalog.newBuilder().setNode("big").setDigest("sha256:ff");
    for (int i = 0; i < 2_000; i++) {
      big.addResources(Resource.newBuilder().setType("file").setTitle("/etc/stead/f" + i));
    }
    store.putCatalog("big", big.build());

    assertThat(store.catalog("big")).contains(big.build());
  }
}
