package dev.stead.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deferred directory syncs against real directories. */
class DirectorySyncsTest {
  @TempDir Path dir;

  private static final AtomicFiles.Attributes MODE =
      AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--"));

  @Test
  void aDeferredWriteIsInPlaceAtOnceAndItsDirectoryIsSyncedAtTheEnd() throws IOException {
    DirectorySyncs syncs = DirectorySyncs.deferred();
    Path a = dir.resolve("a");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    AtomicFiles.write(a, "one\n".getBytes(StandardCharsets.UTF_8), MODE, syncs);
    AtomicFiles.write(sub.resolve("b"), "two\n".getBytes(StandardCharsets.UTF_8), MODE, syncs);
    AtomicFiles.symlink(dir.resolve("link"), "target-elsewhere", syncs);

    // Visible at once, with its mode, no temporary file beside it.
    assertThat(a).hasContent("one");
    assertThat(Files.readSymbolicLink(dir.resolve("link"))).hasToString("target-elsewhere");
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("a", "sub", "link");
    }
    syncs.syncAll();
    syncs.syncAll();   // nothing left: a second call has nothing to do
  }

  @Test
  void aDirectoryRemovedLaterInTheRunIsSkipped() throws IOException {
    DirectorySyncs syncs = DirectorySyncs.deferred();
    Path sub = Files.createDirectory(dir.resolve("sub"));
    AtomicFiles.write(sub.resolve("f"), new byte[] {1}, MODE, syncs);
    Files.delete(sub.resolve("f"));
    Files.delete(sub);
    syncs.changed(dir);

    syncs.syncAll();
  }

  @Test
  void aFailedSyncIsReportedAfterTheOthersAreTried() throws IOException {
    DirectorySyncs syncs = DirectorySyncs.deferred();
    Path file = Files.writeString(dir.resolve("plain"), "x");
    syncs.changed(file.resolve("below-a-file"));
    syncs.changed(dir);

    assertThatThrownBy(syncs::syncAll).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("below-a-file");
  }

  @Test
  void immediateSyncsFailAtOnce() {
    assertThatThrownBy(() -> DirectorySyncs.IMMEDIATE.changed(dir.resolve("missing")))
        .isInstanceOf(IOException.class).hasMessageContaining("missing");
  }
}
