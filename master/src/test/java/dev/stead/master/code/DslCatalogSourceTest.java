package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production source over the real Stead language. */
class DslCatalogSourceTest {
  @TempDir Path code;

  @Test
  void compilesAndFollowsEditsWithoutARestart() throws Exception {
    Path site = code.resolve("site.groovy");
    Files.writeString(site, "node('default') { file('/tmp/x') { content 'hi' } }\n");
    ReloadingCatalogSource source = new ReloadingCatalogSource(List.of(code),
        () -> DslCatalogSource.load(code, List.of()), Duration.ZERO, Clock.systemUTC());

    CompileOutcome first = source.compile("web01", Facts.getDefaultInstance());

    assertThat(first).isInstanceOf(CompileOutcome.Compiled.class);
    var catalog = ((CompileOutcome.Compiled) first).catalog();
    assertThat(catalog.getNode()).isEqualTo("web01");
    assertThat(catalog.getResourcesList()).extracting(Catalogs::key).contains("file[/tmp/x]");
    assertThat(Catalogs.verify(catalog)).isTrue();

    Files.writeString(site, "node('default') { file('/tmp/x') { content 'bye' } }\n");
    Files.setLastModifiedTime(site, FileTime.from(Instant.now().plusSeconds(10)));
    CompileOutcome second = source.compile("web01", Facts.getDefaultInstance());

    Resource file = ((CompileOutcome.Compiled) second).catalog().getResourcesList().stream()
        .filter(r -> Catalogs.key(r).equals("file[/tmp/x]")).findFirst().orElseThrow();
    assertThat(file.getParametersMap().get("content").getStringValue()).isEqualTo("bye");
  }

  @Test
  void aSyntaxErrorIsAFailureNamingTheFile() throws Exception {
    Files.writeString(code.resolve("site.groovy"), "node('default') {\n  file('/tmp/x') {\n");

    CompileOutcome outcome = DslCatalogSource.load(code, List.of())
        .compile("web01", Facts.getDefaultInstance());

    assertThat(outcome).isInstanceOfSatisfying(CompileOutcome.Failed.class, failed ->
        assertThat(failed.errors().get(0).getLocation().getFile()).contains("site.groovy"));
  }

  @Test
  void theCompileCacheTakesAFortiethOfTheHeapAndNeverMoreThanItsDefault() {
    long mb = 1024 * 1024;
    // The master's heap (512 MB): the cache may hold 12.8 MB of catalogs, ~35 MB on the heap.
    assertThat(DslCatalogSource.cacheBytes(512 * mb)).isEqualTo(512 * mb / 40);
    // A large heap keeps the cache's own bound.
    assertThat(DslCatalogSource.cacheBytes(16384 * mb))
        .isEqualTo(dev.stead.dsl.CachingCompiler.DEFAULT_MAX_BYTES);
  }
}
