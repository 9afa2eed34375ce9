package dev.stead.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.wire.SourceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's checksum is kept for a code version, and never outlives the bytes it is of. */
class SourceChecksumsTest {
  @TempDir Path dir;

  private static String sum(String text) {
    return SourceFiles.checksum(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFileChangedInPlaceIsHashedAgainEvenWithTheSameSize() throws Exception {
    SourceChecksums sums = new SourceChecksums();
    Path file = Files.writeString(dir.resolve("app.conf"), "port 80\n");
    FileTime then = FileTime.fromMillis(1_700_000_000_000L);
    Files.setLastModifiedTime(file, then);
    assertThat(sums.of(dir, file)).isEqualTo(sum("port 80\n"));
    assertThat(sums.of(dir, file)).as("kept").isEqualTo(sum("port 80\n"));

    // Same size, new bytes, new mtime: a new checksum.
    Files.writeString(file, "port 81\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(then.toMillis() + 1));
    assertThat(sums.of(dir, file)).isEqualTo(sum("port 81\n"));

    // New size with the old mtime put back (an unpacked archive, say): a new checksum too.
    Files.writeString(file, "port 8080\n");
    Files.setLastModifiedTime(file, then);
    assertThat(sums.of(dir, file)).isEqualTo(sum("port 8080\n"));
  }
}
