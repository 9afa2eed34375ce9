package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void eachFileIsHandedOverBeforeItGoesAndAFailureStopsTheRemoval() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("purged/sub"));
    Files.writeString(dir.resolve("purged/a.conf"), "a\n");
    Files.writeString(tree.resolve("b.conf"), "b\n");
    java.util.List<String> seen = new java.util.ArrayList<>();

    FileTrees.delete(dir.resolve("purged"), (file, attrs) ->
        seen.add(dir.relativize(file) + "=" + Files.readString(file).strip()));

    assertThat(seen).containsExactlyInAnyOrder("purged/a.conf=a", "purged/sub/b.conf=b");
    assertThat(dir.resolve("purged")).doesNotExist();

    Files.createDirectories(dir.resolve("kept"));
    Files.writeString(dir.resolve("kept/c.conf"), "c\n");
    assertThatThrownBy(() -> FileTrees.delete(dir.resolve("kept"), (file, attrs) -> {
      throw new java.io.IOException("backup full");
    })).hasMessage("backup full");
    assertThat(dir.resolve("kept/c.conf")).hasContent("c");
  }
}
