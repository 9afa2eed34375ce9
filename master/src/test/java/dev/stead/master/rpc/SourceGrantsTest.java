package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ModuleFact;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.SourceFiles.ModuleFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which sources a node may fetch: its latest catalog's, learnt on store or read after a restart. */
class SourceGrantsTest {
  private static final String SUM_A = "sha256:" + "a".repeat(64);
  private static final String SUM_B = "sha256:" + "b".repeat(64);

  @TempDir Path dir;

  private static Catalog sourcing(String node, String source, String sum) {
    return Catalog.newBuilder().setNode(node).setDigest("sha256:" + source.hashCode() + sum)
        .addResources(Resource.newBuilder()
        .setType("file").setTitle("/etc/" + source.replace('/', '_'))
        .putParameters("source", Value.newBuilder().setStringValue(source).build())
        .putParameters("checksum", Value.newBuilder().setStringValue(sum).build())).build();
  }

  @Test
  void aNodeGetsItsOwnLatestCatalogsSourcesAndAfterARestartTheStoredOnes() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      SourceGrants grants = new SourceGrants(store);
      Catalog first = sourcing("web1", "app/a.conf", SUM_A);
      store.putCatalog("web1", first);
      grants.catalogStored("web1", first);
      assertThat(grants.sources("web1", SUM_A)).containsExactly(ModuleFile.ofSource("app/a.conf"));
      assertThat(grants.sources("web2", SUM_A)).as("another node's file").isEmpty();

      Catalog second = sourcing("web1", "app/b.conf", SUM_B);
      store.putCatalog("web1", second);
      grants.catalogStored("web1", second);
      assertThat(grants.sources("web1", SUM_A)).as("no longer referenced").isEmpty();
      assertThat(grants.sources("web1", SUM_B)).containsExactly(ModuleFile.ofSource("app/b.conf"));

      SourceGrants afterRestart = new SourceGrants(store);
      assertThat(afterRestart.sources("web1", SUM_B))
          .containsExactly(ModuleFile.ofSource("app/b.conf"));
      assertThat(afterRestart.sources("web1", SUM_A)).isEmpty();
    }
  }

  @Test
  void theCustomFactsOfTheCatalogsModulesAreGrantedToo() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      SourceGrants grants = new SourceGrants(store);
      Catalog catalog = sourcing("web1", "app/a.conf", SUM_A).toBuilder()
          .addModuleFacts(ModuleFact.newBuilder().setModule("patching").setName("pending.sh")
              .setChecksum(SUM_B).setExecutable(true)).build();
      grants.catalogStored("web1", catalog);
      assertThat(grants.sources("web1", SUM_B))
          .containsExactly(ModuleFile.ofFact("patching", "pending.sh"));
      assertThat(ModuleFile.ofFact("patching", "pending.sh").path())
          .isEqualTo("facts.d/pending.sh");
    }
  }

  @Test
  void anArchivesModuleFileIsGrantedAndAnHttpsSourceNever() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      SourceGrants grants = new SourceGrants(store);
      Catalog catalog = Catalog.newBuilder().setNode("web1")
          .addResources(Resource.newBuilder().setType("archive").setTitle("/tmp/a.tgz")
              .putParameters("source", Value.newBuilder().setStringValue("app/a.tgz").build())
              .putParameters("checksum", Value.newBuilder().setStringValue(SUM_A).build()))
          .addResources(Resource.newBuilder().setType("file").setTitle("/usr/bin/tool")
              .putParameters("source", Value.newBuilder()
                  .setStringValue("https://example.org/tool").build())
              .putParameters("checksum", Value.newBuilder().setStringValue(SUM_B).build()))
          .build();
      grants.catalogStored("web1", catalog);
      assertThat(grants.sources("web1", SUM_A)).containsExactly(ModuleFile.ofSource("app/a.tgz"));
      assertThat(grants.sources("web1", SUM_B)).as("downloaded by the agent itself").isEmpty();
    }
  }

  @Test
  void onASharedStoreTheFilesOfACatalogAnotherMasterStoredAreGranted() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      // Two masters on one store: B learnt web1's first catalog when web1 checked in there.
      SourceGrants onA = new SourceGrants(store, true);
      SourceGrants onB = new SourceGrants(store, true);
      Catalog first = sourcing("web1", "app/a.conf", SUM_A);
      store.putCatalog("web1", first);
      onB.catalogStored("web1", first);
      // A compiles a new one; web1 gets it from A, then fails over to B for its file.
      Catalog second = sourcing("web1", "app/b.conf", SUM_B);
      store.putCatalog("web1", second);
      onA.catalogStored("web1", second);

      assertThat(onB.sources("web1", SUM_B)).containsExactly(ModuleFile.ofSource("app/b.conf"));
      assertThat(onB.sources("web1", SUM_A)).as("no longer referenced").isEmpty();
      assertThat(onB.sources("web2", SUM_B)).as("another node's file").isEmpty();

      // A store this master alone writes is not read again: what it stored is the truth.
      SourceGrants alone = new SourceGrants(store);
      alone.catalogStored("web1", first);
      store.putCatalog("web1", second);
      assertThat(alone.sources("web1", SUM_B)).isEmpty();
      assertThat(alone.sources("web1", SUM_A)).containsExactly(ModuleFile.ofSource("app/a.conf"));
    }
  }
}
