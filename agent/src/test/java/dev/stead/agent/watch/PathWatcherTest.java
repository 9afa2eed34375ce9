package dev.stead.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files, the real WatchService: which changes reach the debouncer. */
class PathWatcherTest {
  @TempDir Path root;
  private final Debouncer debouncer = new Debouncer(Duration.ZERO, Duration.ZERO);
  private final AtomicInteger wakes = new AtomicInteger();
  private final List<String> log = new ArrayList<>();
  private PathWatcher watcher;
  private WatchSet set;

  @BeforeEach
  void watch() throws Exception {
    Files.createDirectories(root.resolve("etc/conf.d"));
    Files.writeString(root.resolve("etc/app.conf"), "a\n");
    Catalog catalog = Catalogs4Test.catalog()
        .file("/etc/app.conf", "content", "a\n")
        .file("/etc/conf.d", "ensure", "directory", "recurse", true)
        .file("/etc/missing/x.conf", "content", "x\n")
        .build();
    ResourceGraph graph = ResourceGraph.build(catalog, ResourceTypeRegistry.standard());
    set = WatchSet.of(graph, new RootedPaths(root));
    watcher = PathWatcher.open(debouncer, wakes::incrementAndGet, log::add);
    watcher.follow(set);
  }

  @AfterEach
  void close() throws Exception {
    watcher.close();
  }

  /** Reads events until none came for a moment; returns what the debouncer holds. */
  private Debouncer.Batch settle() throws Exception {
    while (watcher.pollOnce(300)) {
      // keep reading
    }
    return debouncer.takeIfDue(System.nanoTime());
  }

  @Test
  void watchesTheParentsOfManagedPathsThatExist() throws Exception {
    Path etc = root.toRealPath().resolve("etc");
    assertThat(watcher.watched()).containsExactlyInAnyOrder(etc, etc.resolve("conf.d"));
    assertThat(set.keys()).hasSize(3);
  }

  @Test
  void aChangedManagedFileIsHandedOverWithItsResource() throws Exception {
    Path conf = root.toRealPath().resolve("etc/app.conf");
    Files.writeString(conf, "by hand\n");
    Debouncer.Batch batch = settle();
    assertThat(batch.paths()).containsExactly(conf);
    assertThat(set.keysFor(batch.paths())).containsExactly(ResourceKey.of("file", "/etc/app.conf"));
    assertThat(wakes.get()).isPositive();
  }

  @Test
  void aSiblingThatIsNotManagedIsIgnored() throws Exception {
    Files.writeString(root.resolve("etc/other.conf"), "x\n");
    assertThat(settle()).isNull();
    assertThat(wakes.get()).isZero();
  }

  @Test
  void aChangeBeneathARecursiveDirectoryConcernsIt() throws Exception {
    Files.writeString(root.resolve("etc/conf.d/new.conf"), "x\n");
    Debouncer.Batch batch = settle();
    assertThat(set.keysFor(batch.paths()))
        .containsExactly(ResourceKey.of("file", "/etc/conf.d"));
  }

  @Test
  void aDirectoryCreatedLaterIsWatchedAfterTheNextFollow() throws Exception {
    Path missing = Files.createDirectories(root.resolve("etc/missing"));
    settle();
    watcher.follow(set);
    assertThat(watcher.watched()).contains(missing.toRealPath());
    Files.writeString(missing.resolve("x.conf"), "y\n");
    assertThat(set.keysFor(settle().paths()))
        .containsExactly(ResourceKey.of("file", "/etc/missing/x.conf"));
  }

  @Test
  void aRemovedWatchedDirectoryCountsAsChangingWhatItHeld() throws Exception {
    Path confD = root.resolve("etc/conf.d");
    Files.delete(confD);
    Debouncer.Batch batch = settle();
    assertThat(set.keysFor(batch.paths())).contains(ResourceKey.of("file", "/etc/conf.d"));
  }

  /**
   * More events than a watch key holds (512 in the JDK) before anyone reads them: the platform
   * delivers OVERFLOW, as it does when the kernel's queue (max_queued_events) overflows, and
   * the batch checks everything.
   */
  @Test
  void anOverflowMeansEverythingIsChecked() throws Exception {
    for (int i = 0; i < 2_000; i++) {
      Files.writeString(root.resolve("etc/burst-" + i), "x");
    }
    Thread.sleep(200); // let the platform's poller queue them on the key
    Debouncer.Batch batch = settle();
    assertThat(batch).isNotNull();
    assertThat(batch.everything()).isTrue();
  }
}
