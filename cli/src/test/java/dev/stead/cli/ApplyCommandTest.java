package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead apply` in-process: masterless converge, drift tracking and exit codes. */
class ApplyCommandTest {
  @TempDir Path tmp;

  private static InProcess stead(String... args) {
    return InProcess.run(args);
  }

  private InProcess apply(Path manifest, String... extra) {
    String[] base = {"apply", manifest.toString(), "--root", tmp.resolve("root").toString(),
        "--state", tmp.resolve("state").toString(), "--certname", "apply.test"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return stead(args);
  }

  @Test
  void appliesThenIsQuietThenRepairsDriftWithDetailedExitCodes() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd') { content 'hello\\n'; mode '0644' }\n");

    InProcess noop = apply(manifest, "--noop");
    assertThat(noop.exitCode()).as(noop.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).doesNotExist();

    InProcess first = apply(manifest);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(tmp.resolve("root/etc/motd")).hasContent("hello");

    InProcess second = apply(manifest);
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(0);

    Files.writeString(tmp.resolve("root/etc/motd"), "tampered\n");
    InProcess third = apply(manifest);
    assertThat(third.exitCode()).as(third.toString()).isEqualTo(2);
    assertThat(third.out()).contains("drift: file[/etc/motd] content");
    assertThat(tmp.resolve("root/etc/motd")).hasContent("hello");
  }

  @Test
  void notifyPrintsItsMessageOnEveryRunAndIsNeverDrift() throws Exception {
    Files.createDirectories(tmp.resolve("root"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "notice 'compiling'\nnotify('hello')\n"
        + "notify('x') { message 'text' }\n");

    // Noop applies nothing, so it prints nothing and nothing is pending.
    InProcess noop = apply(manifest, "--noop");
    assertThat(noop.exitCode()).as(noop.toString()).isEqualTo(0);
    assertThat(noop.out()).doesNotContain("notice: hello");

    for (int run = 0; run < 2; run++) {
      InProcess real = apply(manifest);
      assertThat(real.exitCode()).as(real.toString()).isEqualTo(2);
      assertThat(real.out()).contains("notice: site.groovy:1: compiling\n")
          .contains("notice: hello\n").contains("notice: text\n")
          .contains("2 changed, 0 failed, 0 skipped; properties: 0 drift, 2 intended");
    }
  }

  @Test
  void aMissingParentDirectoryFailsWithExitCode4() throws Exception {
    Files.createDirectories(tmp.resolve("root"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/nowhere/motd') { content 'x' }\n");
    InProcess run = apply(manifest);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    assertThat(run.out()).containsPattern("failed: file\\[/nowhere/motd\\].*/nowhere");
  }

  @Test
  void aCompileErrorExitsOneNamingFileAndLineAndTouchesNothing() throws Exception {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/a') { content 'a' }\nfiel('/etc/b') { content 'b' }\n");
    InProcess run = apply(manifest);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("site.groovy:2").contains("fiel");
    assertThat(tmp.resolve("root")).doesNotExist();
  }

  @Test
  void usageErrorsExitOneNotTwo() {
    InProcess run = stead("apply");
    assertThat(run.exitCode()).isEqualTo(1);
    InProcess unknown = stead("no-such-command");
    assertThat(unknown.exitCode()).isEqualTo(1);
  }
}
