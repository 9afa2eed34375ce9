package dev.stead.wire;

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

/** Deferred syncs of a run against real files and directories. */
class RunSyncsTest {
  @TempDir Path dir;

  private static final AtomicFiles.Attributes MODE =
      AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--"));

  @Test
  void aDeferredWriteIsInPlaceAtOnceAndItsDirectoryIsSyncedAtTheEnd() throws IOException {
    RunSyncs syncs = RunSyncs.deferred();
    Path a = dir.resolve("a");
    Path sub = Files.createDirectory(dir.resolve("sub"));
    AtomicFiles.write(a, "one\n".getBytes(StandardCharsets.UTF_8), MODE, syncs);
    AtomicFiles.write(sub.resolve("b"), "two\n".getBytes(StandardCharsets.UTF_8), MODE, syncs);
    AtomicFiles.symlink(dir.resolve("link"), "target-elsewhere", syncs);
    AtomicFiles.create(dir.resolve("new"), "three\n".getBytes(StandardCharsets.UTF_8), MODE,
        syncs);

    // Visible at once, with its mode, no temporary file beside it.
    assertThat(a).hasContent("one");
    assertThat(dir.resolve("new")).hasContent("three");
    assertThat(Files.getPosixFilePermissions(dir.resolve("new")))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(Files.readSymbolicLink(dir.resolve("link"))).hasToString("target-elsewhere");
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("a", "sub", "link", "new");
    }
    syncs.syncAll();
    syncs.syncAll();   // nothing left: a second call has nothing to do
  }

  @Test
  void aPathRemovedLaterInTheRunIsSkipped() throws IOException {
    RunSyncs syncs = RunSyncs.deferred();
    Path sub = Files.createDirectory(dir.resolve("sub"));
    AtomicFiles.create(sub.resolve("f"), new byte[] {1}, MODE, syncs);
    Files.delete(sub.resolve("f"));
    Files.delete(sub);
    syncs.changed(dir);

    syncs.syncAll();
  }

  @Test
  void aFailedSyncIsReportedAfterTheOthersAreTried() throws IOException {
    RunSyncs syncs = RunSyncs.deferred();
    Path file = Files.writeString(dir.resolve("plain"), "x");
    syncs.changed(file.resolve("below-a-file"));
    syncs.changed(dir);

    assertThatThrownBy(syncs::syncAll).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("below-a-file");
  }

  @Test
  void immediateSyncsFailAtOnce() {
    assertThatThrownBy(() -> RunSyncs.IMMEDIATE.changed(dir.resolve("missing")))
        .isInstanceOf(IOException.class).hasMessageContaining("missing");
  }
}
