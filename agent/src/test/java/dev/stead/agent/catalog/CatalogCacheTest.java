package dev.stead.agent.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogCacheTest {
  private static final String NODE = "test.example.com";

  @TempDir Path state;
  private final List<String> warnings = new ArrayList<>();

  private CatalogCache cache(String node) {
    return new CatalogCache(state.resolve("catalog/last.pb"), node);
  }

  @Test
  void aSavedCatalogComesBackOwnerOnlyAndVerified() throws Exception {
    Catalog catalog = Catalogs4Test.catalog().file("/etc/motd", "content", "hi\n").build();
    cache(NODE).save(catalog, NodeSecrets.none());

    assertThat(cache(NODE).load(warnings::add)).contains(catalog);
    assertThat(warnings).isEmpty();
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(state.resolve("catalog/last.pb")))).isEqualTo("rw-------");
  }

  @Test
  void noFileIsNoCatalogAndNoWarning() {
    assertThat(cache(NODE).load(warnings::add)).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void aDamagedOrForeignCatalogIsIgnoredSayingWhy() throws Exception {
    Catalog catalog = Catalogs4Test.catalog().file("/etc/motd", "content", "hi\n").build();
    cache(NODE).save(catalog, NodeSecrets.none());
    assertThat(cache("other.example.com").load(warnings::add)).isEmpty();

    Files.write(state.resolve("catalog/last.pb"), catalog.toBuilder()
        .setCodeVersion("tampered").build().toByteArray());
    assertThat(cache(NODE).load(warnings::add)).isEmpty();

    Files.write(state.resolve("catalog/last.pb"), new byte[] {(byte) 0xff, 0x01});
    assertThat(cache(NODE).load(warnings::add)).isEmpty();

    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(0)).contains("damaged or not this node's");
    assertThat(warnings.get(1)).contains("damaged or not this node's");
    assertThat(warnings.get(2)).startsWith("cannot read the cached catalog "
        + state.resolve("catalog/last.pb"));
  }
}
