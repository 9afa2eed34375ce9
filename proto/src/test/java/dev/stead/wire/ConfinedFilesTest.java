package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading code only from inside a bound: links followed while they stay inside it. */
class ConfinedFilesTest {
  @TempDir Path dir;

  @Test
  void linksInsideAreFollowedAndLinksOutsideRefusedForFilesAndDirectories() throws Exception {
    Path bound = Files.createDirectories(dir.resolve("module"));
    Files.createDirectories(bound.resolve("v2"));
    Files.writeString(bound.resolve("v2/a.conf"), "inside\n");
    Path secret = Files.writeString(dir.resolve("key.pem"), "secret\n");
    Files.createSymbolicLink(bound.resolve("a.conf"), Path.of("v2/a.conf"));
    Files.createSymbolicLink(bound.resolve("current"), Path.of("v2"));
    Files.createSymbolicLink(bound.resolve("abs.pem"), secret);
    Files.createSymbolicLink(bound.resolve("rel.pem"), Path.of("../key.pem"));
    Files.createSymbolicLink(bound.resolve("up"), Path.of(".."));

    assertThat(ConfinedFiles.readString(bound, bound.resolve("a.conf"))).isEqualTo("inside\n");
    assertThat(ConfinedFiles.readString(bound, bound.resolve("current/a.conf")))
        .isEqualTo("inside\n");
    for (String name : new String[] {"abs.pem", "rel.pem", "up/key.pem"}) {
      assertThatThrownBy(() -> ConfinedFiles.readString(bound, bound.resolve(name)))
          .as(name).isInstanceOf(ConfinedFiles.OutsideBound.class)
          .hasMessage(bound.resolve(name) + " leads outside " + bound
              + " through a symbolic link");
    }
    assertThatThrownBy(() -> ConfinedFiles.readString(bound, bound.resolve("absent")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aBoundThatIsItselfALinkIsTakenAtItsRealPath() throws Exception {
    Path real = Files.createDirectories(dir.resolve("releases/7"));
    Files.writeString(real.resolve("site.groovy"), "x");
    Path current = Files.createSymbolicLink(dir.resolve("current"), real);

    assertThat(ConfinedFiles.readString(current, current.resolve("site.groovy")))
        .isEqualTo("x");
  }

  @Test
  void aFifoOrADirectoryIsNotOpened() throws Exception {
    Path bound = Files.createDirectories(dir.resolve("module"));
    Files.createDirectories(bound.resolve("d"));
    Process mkfifo = new ProcessBuilder("mkfifo", bound.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    // Opening a FIFO for reading would wait for a writer for ever.
    assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        assertThatThrownBy(() -> ConfinedFiles.open(bound, bound.resolve("pipe")))
            .isInstanceOf(NoSuchFileException.class).hasMessageContaining("not a regular file"));
    assertThatThrownBy(() -> ConfinedFiles.open(bound, bound.resolve("d")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
