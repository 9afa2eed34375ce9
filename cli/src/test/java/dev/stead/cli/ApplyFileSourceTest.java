package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead apply` in-process: without a master, a file's source is read from --modulepath. */
class ApplyFileSourceTest {
  @TempDir Path tmp;

  private InProcess apply(Path manifest, Path modules) {
    return InProcess.run("apply", manifest.toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString(),
        "--certname", "apply.test", "--modulepath", modules.toString());
  }

  @Test
  void aSourcedFileIsWrittenFromTheModulePathAndDriftIsRepaired() throws Exception {
    Path modules = tmp.resolve("modules");
    Files.createDirectories(modules.resolve("motd/files"));
    Files.writeString(modules.resolve("motd/files/motd"), "from the module\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd', source: 'motd/motd', mode: '0644')\n");

    InProcess first = apply(manifest, modules);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).hasContent("from the module");

    InProcess second = apply(manifest, modules);
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Files.writeString(tmp.resolve("root/etc/motd"), "tampered\n");
    InProcess third = apply(manifest, modules);
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(2);
    assertThat(third.out()).contains("drift: file[/etc/motd] content");
    assertThat(tmp.resolve("root/etc/motd")).hasContent("from the module");
  }

  /** The archive is made with the system's tar, as a module author would make it. */
  @Test
  void anArchiveFromTheModulePathIsUnpackedOnceAndAgainWhenWhatItCreatesIsGone()
      throws Exception {
    Path modules = tmp.resolve("modules");
    Path build = Files.createDirectories(tmp.resolve("build/tool-1.0/bin"));
    Files.writeString(build.resolve("tool"), "#!/bin/sh\necho tool\n");
    Files.createDirectories(modules.resolve("tool/files"));
    Process tar = new ProcessBuilder("tar", "-czf",
        modules.resolve("tool/files/tool-1.0.tar.gz").toString(), "-C",
        tmp.resolve("build").toString(), "tool-1.0").inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    Files.createDirectories(tmp.resolve("root/var/cache"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, """
        file('/opt', ensure: 'directory')
        archive('/var/cache/tool-1.0.tar.gz') {
          source 'tool/tool-1.0.tar.gz'
          extract_path '/opt'
          creates '/opt/tool-1.0/bin/tool'
          cleanup true
        }
        """);

    InProcess first = apply(manifest, modules);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/opt/tool-1.0/bin/tool")).hasContent("#!/bin/sh\necho tool");
    assertThat(tmp.resolve("root/var/cache/tool-1.0.tar.gz")).doesNotExist();

    InProcess second = apply(manifest, modules);
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Files.delete(tmp.resolve("root/opt/tool-1.0/bin/tool"));
    InProcess third = apply(manifest, modules);
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(2);
    assertThat(third.out()).contains("drift: archive[/var/cache/tool-1.0.tar.gz] extracted");
    assertThat(tmp.resolve("root/opt/tool-1.0/bin/tool")).exists();
  }
}
