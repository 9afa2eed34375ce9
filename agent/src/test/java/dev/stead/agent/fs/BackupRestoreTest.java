package dev.stead.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing and writing back a backup, with real files under a temp root. */
class BackupRestoreTest {
  @TempDir Path tmp;
  private Path root;
  private BackupStore store;
  private BackupRestore restore;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    store = new BackupStore(tmp.resolve("state/backup"));
    restore = new BackupRestore(store, new RootedPaths(root));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void selectsTheNewestOrTheOneAPrefixNames() throws IOException {
    String old = store.keep("/etc/motd", bytes("old\n"));
    String newer = store.keep("/etc/motd", bytes("newer\n"));
    store.keep("/etc/other", bytes("other\n"));

    assertThat(restore.select("/etc/motd", null).checksum()).isEqualTo(newer);
    assertThat(restore.select("/etc/motd", old.substring(0, 7 + 64)).checksum()).isEqualTo(old);
    String unique = uniquePrefix(old, newer);
    assertThat(restore.select("/etc/motd", unique).checksum()).isEqualTo(old);
    assertThat(restore.select("/etc/motd", unique.toUpperCase()).checksum()).isEqualTo(old);
  }

  @Test
  void anAmbiguousPrefixNamesTheCandidates() throws IOException {
    // Keep contents until two share a first hex digit: a one-digit prefix is then ambiguous.
    Map<Character, String> byFirst = new HashMap<>();
    String[] pair = null;
    for (int i = 0; pair == null; i++) {
      String sum = store.keep("/etc/motd", bytes("content " + i));
      String earlier = byFirst.putIfAbsent(sum.charAt(7), sum);
      if (earlier != null) {
        pair = new String[] {earlier, sum};
      }
    }
    String prefix = pair[0].substring(7, 8);
    assertThatThrownBy(() -> restore.select("/etc/motd", prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ambiguous")
        .hasMessageContaining(pair[0])
        .hasMessageContaining(pair[1]);
  }

  @Test
  void theSameContentTwiceIsNotAmbiguous() throws IOException {
    String sum = store.keep("/etc/motd", bytes("same"));
    store.keep("/etc/motd", bytes("same"));
    assertThat(restore.select("/etc/motd", sum.substring(7, 10)).checksum()).isEqualTo(sum);
  }

  @Test
  void unknownPathsAndChecksumsAreErrors() throws IOException {
    String motd = store.keep("/etc/motd", bytes("m"));
    String other = store.keep("/etc/other", bytes("o"));
    assertThatThrownBy(() -> restore.select("/etc/none", null))
        .hasMessageContaining("no backup of /etc/none");
    // Another path's backup is not one of this path's.
    assertThatThrownBy(() -> restore.select("/etc/motd", other))
        .hasMessageContaining("no backup of /etc/motd has checksum " + other)
        .hasMessageContaining(motd);
    assertThatThrownBy(() -> restore.select("/etc/motd", "xyz"))
        .hasMessageContaining("not a sha256 checksum");
  }

  @Test
  void managedPathsAreNormalisedAndMustBeAbsolute() {
    assertThat(BackupRestore.managedPath("//etc//motd/")).isEqualTo("/etc/motd");
    assertThatThrownBy(() -> BackupRestore.managedPath("etc/motd"))
        .hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> BackupRestore.managedPath("/etc/../root/x"))
        .hasMessageContaining("must not contain . or ..");
  }

  @Test
  void putsBackKeepingTheModeAndBacksUpWhatItReplaces() throws IOException {
    Path motd = root.resolve("etc/motd");
    String old = store.keep("/etc/motd", bytes("old\n"));
    Files.writeString(motd, "current\n");
    Files.setPosixFilePermissions(motd, PosixFilePermissions.fromString("rw-r-----"));

    BackupRestore.Outcome done = restore.restore(restore.select("/etc/motd", null));

    assertThat(motd).hasContent("old");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)))
        .isEqualTo("rw-r-----");
    assertThat(done.unchanged()).isFalse();
    assertThat(store.read(done.previous())).isEqualTo(bytes("current\n"));
    BackupStore.Entry newest = store.entries().get(0);
    assertThat(newest.checksum()).isEqualTo(done.previous());
    assertThat(newest.mode()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));

    // ... so it can be undone.
    restore.restore(restore.select("/etc/motd", done.previous()));
    assertThat(motd).hasContent("current");
    assertThat(store.entries().get(0).checksum()).isEqualTo(old);
    assertThat(Files.list(root.resolve("etc"))).containsExactly(motd);
  }

  @Test
  void aNewFileIsPrivateUnlessTheBackupKnowsTheMode() throws IOException {
    store.keep("/etc/a", bytes("a"));
    store.keep("/etc/b", bytes("b"), PosixFilePermissions.fromString("rwxr-xr-x"));
    BackupRestore.Outcome a = restore.restore(restore.select("/etc/a", null));
    restore.restore(restore.select("/etc/b", null));
    assertThat(a.previous()).isNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/a"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/b"))))
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void sameContentWritesAndKeepsNothing() throws IOException {
    store.keep("/etc/motd", bytes("same"));
    Files.writeString(root.resolve("etc/motd"), "same");
    int lines = store.entries().size();
    assertThat(restore.restore(restore.select("/etc/motd", null)).unchanged()).isTrue();
    assertThat(store.entries()).hasSize(lines);
  }

  @Test
  void refusesACorruptBackupWithoutTouchingTheTarget() throws IOException {
    String sum = store.keep("/etc/motd", bytes("good"));
    Files.writeString(store.pathOf(sum), "evil");
    Files.writeString(root.resolve("etc/motd"), "current");
    int lines = store.entries().size();
    BackupStore.Entry entry = restore.select("/etc/motd", null);
    assertThatThrownBy(() -> restore.restore(entry)).hasMessageContaining("is corrupt");
    assertThat(root.resolve("etc/motd")).hasContent("current");
    assertThat(store.entries()).hasSize(lines);
  }

  @Test
  void refusesAPathLeadingOutOfTheRoot(@TempDir Path outside) throws IOException {
    store.keep("/escape/motd", bytes("x"));
    Files.createSymbolicLink(root.resolve("escape"), outside);
    BackupStore.Entry entry = restore.select("/escape/motd", null);
    assertThatThrownBy(() -> restore.restore(entry)).isInstanceOf(RootEscapeException.class);
    assertThat(outside.resolve("motd")).doesNotExist();
  }

  @Test
  void refusesToReplaceALinkOrADirectory() throws IOException {
    store.keep("/etc/link", bytes("x"));
    store.keep("/etc/dir", bytes("x"));
    Files.createSymbolicLink(root.resolve("etc/link"), Path.of("elsewhere"));
    Files.createDirectories(root.resolve("etc/dir"));
    assertThatThrownBy(() -> restore.restore(restore.select("/etc/link", null)))
        .hasMessageContaining("/etc/link is a symbolic link");
    assertThatThrownBy(() -> restore.restore(restore.select("/etc/dir", null)))
        .hasMessageContaining("/etc/dir is a directory");
    assertThat(Files.isSymbolicLink(root.resolve("etc/link"))).isTrue();
  }

  @Test
  void aMissingDirectoryIsAnError() throws IOException {
    store.keep("/opt/app/conf", bytes("x"));
    assertThatThrownBy(() -> restore.restore(restore.select("/opt/app/conf", null)))
        .hasMessageContaining("its directory")
        .hasMessageContaining("does not exist");
    assertThat(root.resolve("opt")).doesNotExist();
  }

  /** The shortest hex prefix of {@code a} that {@code b} does not share. */
  private static String uniquePrefix(String a, String b) {
    int i = 7;
    while (a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return a.substring(7, i + 1);
  }
}
