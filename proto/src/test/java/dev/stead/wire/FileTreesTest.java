package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clean-ups remove the tree they are given and nothing a link inside it points to. */
class FileTreesTest {
  @TempDir Path dir;

  @Test
  void removesTheTreeAndItsLinksButNotWhatTheyPointTo() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path kept = Files.writeString(elsewhere.resolve("kept.conf"), "kept\n");
    Path tree = Files.createDirectories(dir.resolve("release/a/b"));
    Files.writeString(tree.resolve("site.groovy"), "node {}\n");
    Files.createSymbolicLink(dir.resolve("release/a/to-dir"), elsewhere);
    Files.createSymbolicLink(dir.resolve("release/to-file"), kept);
    Files.createSymbolicLink(dir.resolve("release/dangling"), dir.resolve("absent"));

    FileTrees.delete(dir.resolve("release"));

    assertThat(dir.resolve("release")).doesNotExist();
    assertThat(kept).hasContent("kept");
    assertThat(elsewhere).isDirectory();
  }

  @Test
  void aRootThatIsALinkIsRemovedAsALink() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("kept.conf"), "kept\n");
    Path link = Files.createSymbolicLink(dir.resolve("current"), elsewhere);

    FileTrees.delete(link);

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(elsewhere.resolve("kept.conf")).hasContent("kept");
  }

  @Test
  void anAbsentPathIsNothingToDo() throws Exception {
    FileTrees.delete(dir.resolve("never-made"));

    assertThat(dir).isEmptyDirectory();
  }
}
