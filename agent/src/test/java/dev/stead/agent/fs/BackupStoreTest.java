package dev.stead.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading side of the backup store, against a real directory. */
class BackupStoreTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listsWhatWasKeptNewestFirst() throws IOException {
    BackupStore store = new BackupStore(dir.resolve("backup"));
    String one = store.keep("/etc/motd", bytes("one\n"));
    String two = store.keep("/etc/hosts", bytes("two\n"));
    String three = store.keep("/etc/motd", bytes("three\n"),
        PosixFilePermissions.fromString("rw-r--r--"));

    List<BackupStore.Entry> entries = store.entries();
    assertThat(entries).extracting(BackupStore.Entry::checksum).containsExactly(three, two, one);
    assertThat(entries).extracting(BackupStore.Entry::path)
        .containsExactly("/etc/motd", "/etc/hosts", "/etc/motd");
    assertThat(entries.get(0).mode()).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(entries.get(1).mode()).isNull();
    assertThat(entries.get(0).hex()).hasSize(64).isEqualTo(three.substring(7));
    assertThat(store.sizeOf(three)).isEqualTo(6);
  }

  @Test
  void theOldWriterLineIsUnchanged() throws IOException {
    BackupStore store = new BackupStore(dir);
    String sum = store.keep("/etc/motd", bytes("x"));
    String line = Files.readString(dir.resolve("index.tsv"));
    assertThat(line).matches("[^\t]+\t/etc/motd\t" + sum + "\n");
  }

  @Test
  void ordersByTimeNotByLineAndSkipsLinesItCannotRead() throws IOException {
    BackupStore store = new BackupStore(dir);
    String hexA = "a".repeat(64);
    String hexB = "b".repeat(64);
    Files.writeString(dir.resolve("index.tsv"), String.join("\n",
        "2026-01-02T00:00:00Z\t/etc/new\tsha256:" + hexA,
        "2026-01-01T00:00:00Z\t/etc/old\tsha256:" + hexB,
        "garbage",
        "not-a-time\t/etc/x\tsha256:" + hexA,
        "2026-01-03T00:00:00Z\t/etc/x\tsha256:tooshort",
        "2026-01-04T00:00:00Z\t/etc/with\ttab\tsha256:" + hexB + "\trwxr-x---",
        "2026-01-05T00:00:00Z\t/etc/cut-short\tsha2"), StandardCharsets.UTF_8);

    List<BackupStore.Entry> entries = store.entries();
    assertThat(entries).extracting(BackupStore.Entry::path)
        .containsExactly("/etc/with\ttab", "/etc/new", "/etc/old");
    assertThat(entries.get(0).time()).isEqualTo(Instant.parse("2026-01-04T00:00:00Z"));
    assertThat(entries.get(0).mode()).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
  }

  @Test
  void nothingKeptListsNothing() throws IOException {
    assertThat(new BackupStore(dir.resolve("never-made")).entries()).isEmpty();
    assertThat(BackupStore.none().entries()).isEmpty();
  }

  @Test
  void readsBackTheVerifiedBytes() throws IOException {
    BackupStore store = new BackupStore(dir);
    String sum = store.keep("/etc/motd", bytes("hello\n"));
    assertThat(store.read(sum)).isEqualTo(bytes("hello\n"));
    assertThat(store.read(sum.substring(7))).isEqualTo(bytes("hello\n"));
  }

  @Test
  void aCorruptCopyIsRefusedNamingIt() throws IOException {
    BackupStore store = new BackupStore(dir);
    String sum = store.keep("/etc/motd", bytes("hello\n"));
    Files.writeString(store.pathOf(sum), "tampered", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> store.read(sum))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("backup " + sum + " is corrupt")
        .hasMessageContaining(store.pathOf(sum).toString());
  }

  @Test
  void aMissingCopyIsRefusedNamingIt() throws IOException {
    BackupStore store = new BackupStore(dir);
    String sum = store.keep("/etc/motd", bytes("hello\n"));
    Files.delete(store.pathOf(sum));
    assertThatThrownBy(() -> store.read(sum))
        .hasMessageContaining("backup " + sum + " is missing");
    assertThat(store.sizeOf(sum)).isEqualTo(-1);
  }

  @Test
  void onlyAFullHexChecksumIsRead() throws IOException {
    BackupStore store = new BackupStore(dir.resolve("backup"));
    store.keep("/etc/motd", bytes("x"));
    Files.writeString(dir.resolve("secret"), "not a backup");
    assertThatThrownBy(() -> store.read("../secret"))
        .hasMessageContaining("not a backup checksum: ../secret");
    assertThatThrownBy(() -> store.read("sha256:abc"))
        .hasMessageContaining("not a backup checksum");
  }

  @Test
  void keepingAFileStreamsItToTheSameCopyAsItsBytes() throws IOException {
    BackupStore store = new BackupStore(dir.resolve("backup"));
    Path file = Files.writeString(dir.resolve("motd"), "streamed\n");
    String fromFile = store.keep("/etc/motd", file,
        PosixFilePermissions.fromString("rw-r-----"));
    String fromBytes = store.keep("/etc/motd", bytes("streamed\n"));

    assertThat(fromFile).isEqualTo(fromBytes);
    assertThat(store.read(fromFile)).isEqualTo(bytes("streamed\n"));
    assertThat(store.entries()).extracting(BackupStore.Entry::checksum)
        .containsExactly(fromBytes, fromFile);
    try (var left = Files.list(dir.resolve("backup"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("one copy, the index, nothing staged left behind")
          .containsExactlyInAnyOrder(fromFile.substring("sha256:".length()), "index.tsv");
    }
  }
}
