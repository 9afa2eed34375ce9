package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sshd module applied for real under a temporary root, never to this machine's own sshd:
 * two runs converge, the result passes the real sshd -t, a hand edit is reverted as drift.
 */
class SshdConvergeTest {
  @TempDir Path tmp;
  Path env;
  Path root;

  @BeforeEach
  void layout() throws Exception {
    env = Files.createDirectories(tmp.resolve("env"));
    root = Files.createDirectories(tmp.resolve("root"));
    // What openssh-server's package leaves: the directory of sshd_config.
    Files.createDirectories(root.resolve("etc/ssh"));
    Files.createDirectories(root.resolve("run"));
  }

  private Catalog catalog(String commonYaml) throws Exception {
    Files.createDirectories(env.resolve("data"));
    Files.writeString(env.resolve("data/common.yaml"), commonYaml);
    return ModuleFixture.environment(env, "node('default') { include 'sshd' }\n")
        .compile("web01", TestFacts.debian().toFacts());
  }

  @Test
  void convergesInOneRunPassesSshdAndRevertsAHandEdit() throws Exception {
    // Under --root no command runs: no sshd -t, no apt-get, no systemctl (see the next test).
    Catalog catalog = catalog("""
        sshd::validate: false
        sshd::settings: {PasswordAuthentication: no}
        """);
    ModuleConverge apply = new ModuleConverge(root, tmp.resolve("state"), "pkg", "service");
    apply.applyTwiceConverging(catalog);

    Path config = root.resolve("etc/ssh/sshd_config");
    assertThat(config).content().contains("PasswordAuthentication no\n", "UsePAM yes\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
    assertThat(root.resolve("etc/ssh/sshd_config.d")).isDirectory();
    SshdCheck.prepare();
    RealTool check = SshdCheck.check(config);
    assertThat(check.exitCode()).as(check.toString()).isZero();

    Files.writeString(config, "PermitRootLogin yes\n");
    Report repair = apply.apply(catalog);
    assertThat(repair.getSummary().getChanged()).as(ModuleConverge.describe(repair)).isEqualTo(1);
    assertThat(repair.getResourcesList()).filteredOn(r -> r.getKey().equals(
        "file[/etc/ssh/sshd_config]")).singleElement()
        .satisfies(r -> assertThat(r.getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT));
    assertThat(config).content().contains("PasswordAuthentication no\n")
        .doesNotContain("PermitRootLogin yes");
  }

  @Test
  void underARootPackagesServicesAndValidationAreRefusedAndSaySo() throws Exception {
    Report report = new ModuleConverge(root, tmp.resolve("state")).apply(catalog("{}\n"));
    assertThat(status(report, "pkg[openssh-server]")).isEqualTo(ResourceStatus.FAILED);
    assertThat(message(report, "pkg[openssh-server]"))
        .contains("commands are not run under --root");
    // Everything after the package waits for it: nothing half-configured.
    assertThat(status(report, "file[/etc/ssh/sshd_config]")).isEqualTo(ResourceStatus.SKIPPED);
    assertThat(status(report, "service[ssh]")).isEqualTo(ResourceStatus.SKIPPED);
    assertThat(root.resolve("etc/ssh/sshd_config")).doesNotExist();

    // Without the package and the service, sshd -t is the command refused: the file fails
    // rather than being put in place unchecked.
    Report validated = new ModuleConverge(root, tmp.resolve("state"), "pkg", "service")
        .apply(catalog("{}\n"));
    assertThat(status(validated, "file[/etc/ssh/sshd_config]"))
        .as(ModuleConverge.describe(validated)).isEqualTo(ResourceStatus.FAILED);
    assertThat(message(validated, "file[/etc/ssh/sshd_config]"))
        .contains("validate_cmd", "not run under --root");
    assertThat(root.resolve("etc/ssh/sshd_config")).doesNotExist();
  }

  private static ResourceStatus status(Report report, String key) {
    return result(report, key).getStatus();
  }

  private static String message(Report report, String key) {
    return result(report, key).getMessage();
  }

  private static ResourceResult result(Report report, String key) {
    return report.getResourcesList().stream().filter(r -> r.getKey().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError(key + " not in " + ModuleConverge.describe(report)));
  }
}
