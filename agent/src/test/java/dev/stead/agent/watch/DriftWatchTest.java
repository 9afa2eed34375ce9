package dev.stead.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.wire.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's view: what is due, and the agent's own writes left out. Real files. */
class DriftWatchTest {
  private static final ResourceKey APP = ResourceKey.of("file", "/etc/app.conf");
  @TempDir Path root;
  private DriftWatch watch;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/app.conf"), "a\n");
    ResourceGraph graph = ResourceGraph.build(Catalogs4Test.catalog()
        .file("/etc/app.conf", "content", "a\n").file("/etc/b.conf", "content", "b\n").build(),
        ResourceTypeRegistry.standard());
    watch = DriftWatch.start(() -> { }, line -> { }, Duration.ofMillis(50),
        Duration.ofMillis(200));
    watch.follow(graph, root);
  }

  @AfterEach
  void close() throws Exception {
    watch.close();
  }

  /** Waits (generously) for a due batch. */
  private DriftWatch.Due awaitDue() throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      DriftWatch.Due due = watch.takeDue(System.nanoTime());
      if (due != null) {
        return due;
      }
      Thread.sleep(20);
    }
    return null;
  }

  @Test
  void aChangeByHandIsDueWithItsResource() throws Exception {
    assertThat(watch.resources()).isEqualTo(2);
    Files.writeString(root.resolve("etc/app.conf"), "by hand\n");
    DriftWatch.Due due = awaitDue();
    assertThat(due.keys()).containsExactly(APP);
    assertThat(due.overflow()).isFalse();
  }

  @Test
  void theAgentsOwnWriteIsNotCheckedAgainButALaterOneIs() throws Exception {
    Files.writeString(root.resolve("etc/app.conf"), "repaired\n"); // as a converge would
    watch.wrote(List.of(APP));
    DriftWatch.Due own = awaitDue();
    assertThat(own.keys()).isEmpty();

    Files.writeString(root.resolve("etc/app.conf"), "by hand\n");
    assertThat(awaitDue().keys()).containsExactly(APP);
  }

  @Test
  void aRunStartingDropsWhatIsPending() throws Exception {
    Files.writeString(root.resolve("etc/app.conf"), "by hand\n");
    Thread.sleep(100);
    watch.runStarting();
    Thread.sleep(300);
    assertThat(watch.takeDue(System.nanoTime())).isNull();
    assertThat(watch.dueAtNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void followingNothingWatchesNothing() {
    watch.follow(null, root);
    assertThat(watch.resources()).isZero();
    assertThat(watch.directories()).isZero();
  }
}
