package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingCatalogSourceTest {
  @TempDir Path code;

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void reloadsWhenAFileChangesButNotMoreOftenThanTheInterval() throws Exception {
    Path site = code.resolve("site.groovy");
    Files.writeString(site, "v1");
    AtomicInteger loads = new AtomicInteger();
    MutableClock clock = new MutableClock();
    ReloadingCatalogSource source = new ReloadingCatalogSource(List.of(code), () -> {
      int version = loads.incrementAndGet();
      return (node, facts) -> CompileOutcome.compiled(
          Catalog.newBuilder().setNode(node).setCodeVersion("v" + version).build());
    }, Duration.ofSeconds(1), clock);

    assertThat(version(source)).isEqualTo("v1");
    assertThat(version(source)).isEqualTo("v1");

    Files.writeString(site, "version two");
    Files.setLastModifiedTime(site, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(version(source)).as("within the interval").isEqualTo("v1");

    clock.now = clock.now.plusSeconds(2);
    assertThat(version(source)).isEqualTo("v2");
    clock.now = clock.now.plusSeconds(2);
    assertThat(version(source)).as("nothing changed").isEqualTo("v2");

    Files.createDirectories(code.resolve("modules/base"));
    Files.writeString(code.resolve("modules/base/init.groovy"), "x");
    clock.now = clock.now.plusSeconds(2);
    assertThat(version(source)).isEqualTo("v3");
    assertThat(loads).hasValue(3);
  }

  @Test
  void fingerprintIgnoresGitObjectsButNotHead() throws Exception {
    Files.createDirectories(code.resolve(".git/objects/ab"));
    Files.writeString(code.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    String before = CodeFingerprint.of(List.of(code, code.resolve("missing")));

    Files.writeString(code.resolve(".git/objects/ab/cdef"), "blob");
    assertThat(CodeFingerprint.of(List.of(code, code.resolve("missing")))).isEqualTo(before);

    Files.writeString(code.resolve(".git/HEAD"), "ref: refs/heads/other-branch\n");
    assertThat(CodeFingerprint.of(List.of(code, code.resolve("missing")))).isNotEqualTo(before);
  }

  @Test
  void fingerprintChangesWhenALinkIsPointedElsewhere() throws Exception {
    Files.writeString(code.resolve("v1.conf"), "one");
    Files.writeString(code.resolve("v2.conf"), "two");
    Path link = Files.createSymbolicLink(code.resolve("current.conf"), Path.of("v1.conf"));
    String before = CodeFingerprint.of(List.of(code));

    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("v2.conf"));

    assertThat(CodeFingerprint.of(List.of(code))).as("the code reads another file now")
        .isNotEqualTo(before);
  }

  @Test
  void fingerprintSeesEditsBehindACodeDirectoryThatIsALink() throws Exception {
    Path release = Files.createDirectories(code.resolve("releases/7"));
    Path site = Files.writeString(release.resolve("site.groovy"), "v1");
    Path current = Files.createSymbolicLink(code.resolve("current"), release);
    String before = CodeFingerprint.of(List.of(current));

    Files.writeString(site, "version two");
    Files.setLastModifiedTime(site, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(CodeFingerprint.of(List.of(current))).isNotEqualTo(before);
  }

  @Test
  void aRequestDuringAReloadWaitsForItAndGetsTheChangedCode() throws Exception {
    Path site = code.resolve("site.groovy");
    Files.writeString(site, "v1");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch reloading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MutableClock clock = new MutableClock();
    ReloadingCatalogSource source = new ReloadingCatalogSource(List.of(code), () -> {
      int version = loads.incrementAndGet();
      if (version == 2) {
        reloading.countDown();
        try {
          release.await(); // a slow load of the changed code
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return (node, facts) -> CompileOutcome.compiled(
          Catalog.newBuilder().setNode(node).setCodeVersion("v" + version).build());
    }, Duration.ofSeconds(1), clock);
    assertThat(version(source)).isEqualTo("v1");

    // Data changed just before agents ask (an operator's edit, then a run): none of them
    // may be answered from the code as it was.
    Files.writeString(site, "version two");
    Files.setLastModifiedTime(site, FileTime.from(Instant.now().plusSeconds(5)));
    clock.now = clock.now.plusSeconds(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> first = pool.submit(() -> version(source));
      assertThat(reloading.await(10, TimeUnit.SECONDS)).as("the reload started").isTrue();
      Future<String> meanwhile = pool.submit(() -> version(source));
      Thread.sleep(100);
      assertThat(meanwhile).as("waits for the reload").isNotDone();
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
      assertThat(meanwhile.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
      assertThat(loads).as("one reload for both").hasValue(2);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  private static String version(CatalogSource source) {
    return ((CompileOutcome.Compiled) source.compile("n", Facts.getDefaultInstance()))
        .catalog().getCodeVersion();
  }
}
