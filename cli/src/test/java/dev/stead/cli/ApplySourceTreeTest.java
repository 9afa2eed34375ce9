package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead apply` in-process: a recursing directory copies a module directory from --modulepath. */
class ApplySourceTreeTest {
  @TempDir Path tmp;

  private InProcess apply(Path manifest, Path modules) {
    return InProcess.run("apply", manifest.toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString(),
        "--certname", "apply.test", "--modulepath", modules.toString());
  }

  private Path modules() throws Exception {
    Path modules = tmp.resolve("modules");
    Files.createDirectories(modules.resolve("app/files/conf.d/sub"));
    Files.writeString(modules.resolve("app/files/conf.d/main.conf"), "main\n");
    Files.writeString(modules.resolve("app/files/conf.d/sub/extra.conf"), "extra\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    return modules;
  }

  @Test
  void aTreeWithASubdirectoryConvergesAndTheSecondRunChangesNothing() throws Exception {
    Path modules = modules();
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/app', ensure: 'directory', recurse: true,"
        + " source: 'app/conf.d', mode: '0640')\n");

    InProcess first = apply(manifest, modules);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    Path app = tmp.resolve("root/etc/app");
    assertThat(app.resolve("main.conf")).hasContent("main");
    assertThat(app.resolve("sub/extra.conf")).hasContent("extra");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.resolve("sub"))))
        .isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(app.resolve("sub/extra.conf")))).isEqualTo("rw-r-----");

    InProcess second = apply(manifest, modules);
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Files.writeString(app.resolve("sub/extra.conf"), "tampered\n");
    InProcess third = apply(manifest, modules);
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(2);
    assertThat(app.resolve("sub/extra.conf")).hasContent("extra");
  }

  @Test
  void withPurgeAStrayFileIsRemovedAndTheCopiedOnesStay() throws Exception {
    Path modules = modules();
    Path app = tmp.resolve("root/etc/app");
    Files.createDirectories(app.resolve("sub"));
    Files.writeString(app.resolve("sub/stray.conf"), "left over\n");
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/app', ensure: 'directory', recurse: true,"
        + " purge: true, source: 'app/conf.d')\n");

    InProcess first = apply(manifest, modules);

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(app.resolve("sub/stray.conf")).doesNotExist();
    assertThat(app.resolve("main.conf")).hasContent("main");
    assertThat(app.resolve("sub/extra.conf")).hasContent("extra");
    InProcess second = apply(manifest, modules);
    assertThat(second.exitCode()).as(second.toString()).isZero();
  }
}
