package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Noop from the manifest to the disk: a class included with {@code noop: true} and a resource
 * with {@code noop: true}, compiled and converged by `stead apply`, are reported and left
 * alone while the rest of the same run is applied.
 */
class NoopApplyTest {
  @TempDir Path tmp;

  private String apply(Path manifest) {
    InProcess run = InProcess.run("apply", manifest.toString(), "--root",
        tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString(),
        "--certname", "noop.test");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    return run.out();
  }

  @Test
  void aNoopClassAndANoopResourceAreReportedAndLeftAloneTheRestIsApplied() throws Exception {
    Path etc = Files.createDirectories(tmp.resolve("root/etc"));
    Path audit = Files.writeString(etc.resolve("audit.conf"), "old audit\n");
    FileTime auditTime = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(audit, auditTime);
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, String.join("\n",
        "klass('audit') { file('/etc/audit.conf', content: 'new audit\\n') }",
        "klass('motd') { file('/etc/motd', content: 'hello\\n') }",
        "include 'audit', noop: true",
        "include 'motd'",
        "file('/etc/keep', content: 'kept\\n', noop: true)",
        ""));

    String first = apply(manifest);
    assertThat(audit).hasContent("old audit");
    assertThat(Files.getLastModifiedTime(audit)).isEqualTo(auditTime);
    assertThat(etc.resolve("keep")).doesNotExist();
    assertThat(etc.resolve("motd")).hasContent("hello");
    assertThat(first).contains("file[/etc/audit.conf]").contains("file[/etc/keep]");

    // Nothing else left to do, yet the noop resources are still out of sync and say so.
    String second = apply(manifest);
    assertThat(second).contains("file[/etc/audit.conf]").contains("file[/etc/keep]")
        .doesNotContain("file[/etc/motd]");
    assertThat(audit).hasContent("old audit");
  }
}
