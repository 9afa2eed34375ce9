package dev.stead.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathsTest {
  @TempDir Path root;

  @Test
  void rebasesUnderTheRoot() throws IOException {
    RootedPaths paths = new RootedPaths(root);
    assertThat(paths.resolve("/etc/motd")).isEqualTo(root.toRealPath().resolve("etc/motd"));
    assertThat(paths.managedName(paths.resolve("/etc/motd"))).isEqualTo("/etc/motd");
  }

  @Test
  void theLastComponentIsNotFollowed(@TempDir Path outside) throws IOException {
    Files.createSymbolicLink(root.resolve("link"), outside);
    assertThat(new RootedPaths(root).resolve("/link")).isEqualTo(root.toRealPath().resolve("link"));
  }

  @Test
  void refusesLinksLeavingTheRoot(@TempDir Path outside) throws IOException {
    Files.createSymbolicLink(root.resolve("etc"), outside);
    assertThatThrownBy(() -> new RootedPaths(root).resolve("/etc/x"))
        .isInstanceOf(RootEscapeException.class)
        .hasMessageContaining("/etc -> " + outside);
  }

  @Test
  void followsChainsThatStayInside() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.createSymbolicLink(root.resolve("c"), Path.of("a/../a/b"));
    Files.createSymbolicLink(root.resolve("d"), root.toRealPath().resolve("c"));
    assertThat(new RootedPaths(root).resolve("/d/f"))
        .isEqualTo(root.toRealPath().resolve("a/b/f"));
  }

  @Test
  void rejectsDotDotTitles() {
    assertThatThrownBy(() -> new RootedPaths(root).resolve("/etc/../../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostRootIsPlain() throws IOException {
    assertThat(new RootedPaths(Path.of("/")).resolve("/proc/self"))
        .isEqualTo(Path.of("/proc/self"));
  }
}
