package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead apply` with the file semantics taken from Puppet: the language to the disk. */
class ApplyFileSemanticsTest {
  @TempDir Path tmp;

  private InProcess apply(Path manifest) {
    return InProcess.run("apply", manifest.toString(), "--root", tmp.resolve("root").toString(),
        "--state", tmp.resolve("state").toString(), "--certname", "apply.test");
  }

  @Test
  void aDefaultFileModeOf0644GivesEnterableDirectoriesAndASecondRunChangesNothing()
      throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, """
        defaults('file') { mode '0644' }
        file('/etc/app') { ensure 'directory' }
        file('/etc/app/app.conf') { content 'port = 8080\\n' }
        file('/etc/app/local.conf') { content 'seed\\n'; replace false }
        """);

    InProcess first = apply(manifest);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        tmp.resolve("root/etc/app")))).isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        tmp.resolve("root/etc/app/app.conf")))).isEqualTo("rw-r--r--");

    Files.writeString(tmp.resolve("root/etc/app/local.conf"), "edited\n");
    InProcess second = apply(manifest);
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(0);
    assertThat(second.out()).contains("0 changed, 0 failed, 0 skipped; properties: 0 drift");
    assertThat(tmp.resolve("root/etc/app/local.conf")).hasContent("edited");
  }

  @Test
  void purgeLeavesAnUnmanagedSubdirectoryWithANoteAndManagesTheRest() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc/app/old"));
    Files.writeString(tmp.resolve("root/etc/app/old/x.conf"), "x\n");
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, """
        file('/etc/app') { ensure 'directory'; recurse true; purge true }
        file('/etc/app/app.conf') { content 'port = 8080\\n' }
        """);

    InProcess run = apply(manifest);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).contains("note: file[/etc/app]: purge left the unmanaged directory"
        + " /etc/app/old as it is (set force to remove it");
    assertThat(tmp.resolve("root/etc/app/app.conf")).hasContent("port = 8080");
    assertThat(tmp.resolve("root/etc/app/old/x.conf")).exists();
  }

  @Test
  void aValidateCmdWithoutThePlaceholderIsACompileErrorAtItsLine() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "\nfile('/etc/sudoers') { content 'x\\n'; validate_cmd 'visudo -c' }\n");

    InProcess run = apply(manifest);

    assertThat(run.exitCode()).as(run.toString()).isNotIn(0, 2);
    assertThat(run.out() + run.err()).contains("site.groovy:2").contains("validate_cmd")
        .contains("%");
    assertThat(tmp.resolve("root/etc/sudoers")).doesNotExist();
  }
}
