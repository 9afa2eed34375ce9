package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.CodeCache;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.DigestMemory;
import dev.stead.dsl.FleetView;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A starting master answers agents that hold their catalog while its code still loads: from
 * the memo an earlier process left in a real RocksDB store, under the identity of the code's
 * contents, which this process computes from the files alone.
 */
class MemoAnswersTest {
  @TempDir Path tmp;

  private static final String SITE = """
      node(~/^web\\d+/) { file('/etc/motd') { content 'role ' + facts.role } }
      """;

  private static Facts facts(String role) {
    return Facts.newBuilder().putAllValues(Values.ofMap(Map.of("role", role, "uptime", 3)))
        .build();
  }

  private static DslCatalogSource load(Path code, DigestMemory memos) {
    return DslCatalogSource.load(code, "production", List.of(), CompileSlots.perCore(),
        Compiler.DEFAULT_TIME_LIMIT, node -> FleetView.NONE, CodeCache.NONE, memos);
  }

  @Test
  void whileTheCodeLoadsTheMemoOfTheSameCodeAnswersAndNothingElseDoes() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Path site = code.resolve("site.groovy");
    Files.writeString(site, SITE);
    try (RocksStore store = RocksStore.open(tmp.resolve("db"))) {
      answersWhileLoading(code, site, new StoredDigestMemory(store));
    }
  }

  private static void answersWhileLoading(Path code, Path site, DigestMemory memos)
      throws Exception {
    String digest = ((CompileOutcome.Compiled) load(code, memos).compile("web01", facts("web")))
        .catalog().getDigest();

    // A restarted master: its load waits until the test lets it go.
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ReloadingCatalogSource restarted = new ReloadingCatalogSource(List.of(code), () -> {
      loading.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return load(code, memos);
    }, Duration.ofSeconds(1), Clock.systemUTC(),
        new MemoAnswers("production", () -> List.of(code), memos, () -> FleetView.NONE,
            Duration.ZERO, Clock.systemUTC()));
    Thread preload = new Thread(restarted::preload);
    preload.start();
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(restarted.unchanged("web01", facts("web"), digest)).isTrue();
    assertThat(restarted.unchanged("web01", facts("db"), digest)).isFalse();
    assertThat(restarted.unchanged("web01", facts("web"), "sha256:other")).isFalse();
    assertThat(restarted.unchanged("web02", facts("web"), digest)).isFalse();
    // An edit of the same size and time: the contents say it is other code.
    FileTime time = Files.getLastModifiedTime(site);
    Files.writeString(site, SITE.replace("'role '", "'rolf '"));
    Files.setLastModifiedTime(site, time);
    assertThat(restarted.unchanged("web01", facts("web"), digest)).isFalse();
    Files.writeString(site, SITE);
    assertThat(restarted.unchanged("web01", facts("web"), digest)).isTrue();
    assertThat(restarted.loaded()).isFalse();

    release.countDown();
    preload.join(30_000);
    assertThat(restarted.loaded()).isTrue();
    assertThat(restarted.unchanged("web01", facts("web"), digest)).isTrue();
  }

  @Test
  void theContentIdentityIsTheSameWhereverTheCodeLies() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a/code"));
    Path b = Files.createDirectories(tmp.resolve("elsewhere/b"));
    for (Path dir : List.of(a, b)) {
      Files.writeString(dir.resolve("site.groovy"), SITE);
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("data/common.yaml"), "motd: hi\n");
    }
    assertThat(MemoIdentity.of("production", List.of(a)))
        .isEqualTo(MemoIdentity.of("production", List.of(b))).isPresent();
    assertThat(MemoIdentity.of("staging", List.of(a)))
        .isNotEqualTo(MemoIdentity.of("production", List.of(a)));
    Files.writeString(b.resolve("data/common.yaml"), "motd: ho\n");
    assertThat(MemoIdentity.of("production", List.of(a)))
        .isNotEqualTo(MemoIdentity.of("production", List.of(b)));
  }
}
