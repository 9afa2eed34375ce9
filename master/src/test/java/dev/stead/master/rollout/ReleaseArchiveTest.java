package dev.stead.master.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A frozen copy packed for the other masters and unpacked as it was, and only beneath. */
class ReleaseArchiveTest {
  @TempDir Path tmp;

  @Test
  void aTreeComesBackWithItsBytesAndItsFilesPermissionBits() throws Exception {
    Path from = Files.createDirectories(tmp.resolve("from/modules/app/facts.d"));
    Path root = tmp.resolve("from");
    Files.writeString(root.resolve("site.groovy"), "node('default') {}\n");
    Files.createDirectories(root.resolve("empty"));
    Path script = Files.writeString(from.resolve("pending.sh"), "#!/bin/sh\necho 1\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    byte[] binary = new byte[70_000];
    new java.util.Random(7).nextBytes(binary);
    Files.write(root.resolve("modules/app/blob.bin"), binary);

    Path to = tmp.resolve("to");
    ReleaseArchive.read(ReleaseArchive.write(root), to);

    assertThat(to.resolve("site.groovy")).hasContent("node('default') {}\n");
    assertThat(to.resolve("empty")).isEmptyDirectory();
    assertThat(Files.readAllBytes(to.resolve("modules/app/blob.bin"))).isEqualTo(binary);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        to.resolve("modules/app/facts.d/pending.sh")))).isEqualTo("rwxr-x---");
  }

  @Test
  void anEntryThatLeadsOutsideIsRefusedAndWritesNothingThere() throws Exception {
    for (String name : new String[] {"../escaped", "/etc/escaped", "a/../../escaped", ""}) {
      Path to = tmp.resolve("to-" + Math.abs(name.hashCode()));
      assertThatThrownBy(() -> ReleaseArchive.read(archiveOf(name), to))
          .isInstanceOf(IOException.class).hasMessageContaining("leads outside");
      assertThat(tmp.resolve("escaped")).doesNotExist();
    }
    assertThatThrownBy(() -> ReleaseArchive.read(new byte[] {1, 2, 3}, tmp.resolve("x")))
        .isInstanceOf(IOException.class);
  }

  /** An archive of one file entry named {@code name}, as a forged row would hold it. */
  private static byte[] archiveOf(String name) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
      out.writeUTF("stead-release-1");
      out.writeUTF(name);
      out.writeUTF("rw-r--r--");
      out.writeLong(3);
      out.write(new byte[] {'b', 'a', 'd'});
    }
    return bytes.toByteArray();
  }
}
