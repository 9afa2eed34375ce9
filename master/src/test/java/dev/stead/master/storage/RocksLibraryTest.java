package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksLibraryTest {
  @TempDir Path data;

  @Test
  void theLibraryIsCopiedOnceIntoAnOwnerOnlyDirectoryAndAStaleVersionIsRemoved()
      throws Exception {
    Path dir = data.resolve("native");
    Files.createDirectories(dir.resolve("0-1"));
    Files.writeString(dir.resolve("0-1/librocksdbjni-old.so"), "an older RocksDB's copy");

    Path copy = RocksLibrary.copyIn(dir);

    assertThat(copy).isRegularFile().startsWith(dir);
    assertThat(Files.size(copy)).isGreaterThan(1_000_000);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(dir.resolve("0-1")).doesNotExist();
    FileTime written = Files.getLastModifiedTime(copy);
    Files.setLastModifiedTime(copy, FileTime.fromMillis(written.toMillis() - 60_000));
    assertThat(RocksLibrary.copyIn(dir)).isEqualTo(copy);
    assertThat(Files.getLastModifiedTime(copy).toMillis())
        .as("not written again").isEqualTo(written.toMillis() - 60_000);

    // A truncated copy (a crash mid-write cannot leave one, a full disk might) is replaced.
    Files.write(copy, new byte[100]);
    assertThat(Files.size(RocksLibrary.copyIn(dir))).isGreaterThan(1_000_000);
  }
}
