package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ini_setting` as the language writes it, through `stead apply` under a temporary root. */
class ApplyIniSettingTest {
  @TempDir Path tmp;

  private InProcess apply(Path manifest) {
    return InProcess.run("apply", manifest.toString(), "--root", tmp.resolve("root").toString(),
        "--state", tmp.resolve("state").toString(), "--certname", "apply.test");
  }

  @Test
  void setsTheKeyBesideTheFileResourceAndReportsDrift() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, """
        ini_setting('php memory') {
          path '/etc/php.ini'; section 'PHP'; setting 'memory_limit'; value '256M'
        }
        file('/etc/php.ini') { mode '0640' }
        """);
    Path ini = tmp.resolve("root/etc/php.ini");
    Files.writeString(ini, "[PHP]\n; comment\nmemory_limit = 128M\n");

    InProcess first = apply(manifest);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(ini).hasContent("[PHP]\n; comment\nmemory_limit = 256M");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(ini))).as("the file resource's mode holds")
        .isEqualTo("rw-r-----");

    assertThat(apply(manifest).exitCode()).isZero();

    Files.writeString(ini, "[PHP]\n; comment\nmemory_limit = 64M\n");
    InProcess repaired = apply(manifest);
    assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
    assertThat(repaired.out()).contains("drift: ini_setting[php memory] value");
    assertThat(ini).hasContent("[PHP]\n; comment\nmemory_limit = 256M");
  }

  @Test
  void aMissingRequiredParameterIsACompileErrorAtItsLine() throws Exception {
    Files.createDirectories(tmp.resolve("root"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "\nini_setting('x') { path '/etc/php.ini'; section 'PHP' }\n");
    InProcess run = apply(manifest);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.toString()).contains("site.groovy:2").contains("setting");
  }
}
