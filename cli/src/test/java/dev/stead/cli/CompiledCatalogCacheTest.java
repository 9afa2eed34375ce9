package dev.stead.cli;

import static dev.stead.cli.CompiledCatalogCache.InputDigests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledCatalogCacheTest {
  @TempDir Path tmp;

  private String key(Path manifest, long settledMs) throws IOException {
    return CompiledCatalogCache.key(manifest, List.of(), "node", new byte[] {1},
        InputDigests.load(tmp.resolve("state"), settledMs));
  }

  @Test
  void rememberedDigestsGiveTheSameKeyAsHashing() throws IOException {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/a', content: 'x')\n");
    String hashed = CompiledCatalogCache.key(manifest, List.of(), "node", new byte[] {1});
    assertThat(key(manifest, 0)).isEqualTo(hashed);
    assertThat(tmp.resolve("state/catalog/apply-inputs.memo")).exists();
    assertThat(key(manifest, 0)).isEqualTo(hashed);
  }

  @Test
  void aContentChangeWithTheMtimeResetChangesTheKey() throws IOException {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/a', content: 'x')\n");
    FileTime mtime = Files.getLastModifiedTime(manifest);
    String before = key(manifest, 0);
    Files.writeString(manifest, "file('/a', content: 'y')\n"); // same size
    Files.setLastModifiedTime(manifest, mtime);
    assertThat(key(manifest, 0)).isNotEqualTo(before)
        .isEqualTo(CompiledCatalogCache.key(manifest, List.of(), "node", new byte[] {1}));
  }

  @Test
  void aFileJustWrittenIsNotRemembered() throws IOException {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/a', content: 'x')\n");
    key(manifest, 60_000);
    assertThat(tmp.resolve("state/catalog/apply-inputs.memo")).doesNotExist();
  }

  @Test
  void aDamagedMemoIsIgnored() throws IOException {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/a', content: 'x')\n");
    String hashed = key(manifest, 0);
    Path memo = tmp.resolve("state/catalog/apply-inputs.memo");
    byte[] bytes = Files.readAllBytes(memo);
    // Truncated: dropped. (A flipped bit inside a digest would give a key no catalog was
    // stored under, so a compile, never someone else's catalog.)
    Files.write(memo, Arrays.copyOf(bytes, bytes.length - 5));
    assertThat(key(manifest, 0)).isEqualTo(hashed);
  }

  @Test
  void storedCatalogsComeBackAndDamagedOnesDoNot() throws IOException {
    Catalog catalog = Catalogs.seal(Catalog.newBuilder().setNode("node")
        .addResources(Resource.newBuilder().setType("file").setTitle("/a")).build());
    CompiledCatalogCache cache = new CompiledCatalogCache(tmp.resolve("state"));
    cache.store("k", catalog);
    assertThat(cache.find("k")).contains(catalog);
    assertThat(cache.find("other")).isEmpty();

    Path stored = tmp.resolve("state/catalog/apply/k.pb");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length / 2] ^= 1;
    Files.write(stored, bytes);
    assertThat(cache.find("k")).isEmpty();
  }
}
