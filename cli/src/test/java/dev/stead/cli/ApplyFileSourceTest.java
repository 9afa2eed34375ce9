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
}
