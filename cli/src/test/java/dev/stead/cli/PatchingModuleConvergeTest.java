package dev.stead.cli;

import static dev.stead.cli.ModuleApply.apply;
import static dev.stead.cli.ModuleApply.assertNoChanges;
import static dev.stead.cli.ModuleApply.ok;
import static dev.stead.cli.ModuleApply.sh;
import static dev.stead.cli.ModuleApply.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patching module's files converge under --root (applied for real they would turn on
 * automatic upgrades of this machine), and apt, apt-config and systemd read them as meant.
 * Its holds are applied for real, to restic, and released again.
 */
class PatchingModuleConvergeTest {
  @TempDir Path tmp;

  @Test
  void theConfigurationConvergesUnderARootAndAptReadsItThere() throws Exception {
    ModuleApply.needsRootWith("apt-config", "apt-cache", "systemd-analyze", "unattended-upgrade");
    String version = ok("dpkg-query -W -f '${Version}' restic");
    Path root = tmp.resolve("root");
    Path aptConf = Files.createDirectories(root.resolve("etc/apt/apt.conf.d"));
    Files.createDirectories(root.resolve("etc/apt/preferences.d"));
    Files.createDirectories(root.resolve("etc/systemd/system"));
    // The files the unattended-upgrades package installs, which the module's file overrides.
    for (String shipped : new String[] {"50unattended-upgrades", "20auto-upgrades"}) {
      Path real = Path.of("/etc/apt/apt.conf.d", shipped);
      if (Files.exists(real)) {
        Files.copy(real, aptConf.resolve(shipped));
      }
    }
    assertThat(aptConf.resolve("50unattended-upgrades")).content()
        .contains("label=Debian\";");
    Path env = tmp.resolve("env");
    write(env, "site.groovy", "node('default') { include 'patching' }\n");
    write(env, "data/common.yaml", """
        patching::window_days: Mon..Fri
        patching::window_start: '02:30'
        patching::window_length: 90min
        patching::pins: {restic: {version: '%s', priority: 1001}}
        """.formatted(version));

    // Packages and commands cannot be confined to a root: the run leaves them out by type.
    InProcess first = apply(env, root, tmp.resolve("state"), "--skip-tags", "pkg,exec");
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(first.out()).contains("4 changed, 0 failed");
    assertNoChanges(apply(env, root, tmp.resolve("state"), "--skip-tags", "pkg,exec"));

    // apt reads the root's configuration as unattended-upgrades will: security origins only,
    // the package's own list (which also allows the main archive) cleared.
    Path aptConfig = tmp.resolve("apt.conf");
    Files.writeString(aptConfig, "Dir::Etc \"" + root.resolve("etc/apt") + "/\";\n");
    String dump = ok("APT_CONFIG=" + aptConfig + " apt-config dump");
    assertThat(dump.lines().filter(l -> l.startsWith("Unattended-Upgrade::Origins-Pattern::")))
        .containsExactly(
            "Unattended-Upgrade::Origins-Pattern:: \"origin=Debian,codename=${distro_codename},"
                + "label=Debian-Security\";",
            "Unattended-Upgrade::Origins-Pattern:: \"origin=Debian,codename=${distro_codename}"
                + "-security,label=Debian-Security\";");
    assertThat(dump).contains("APT::Periodic::Unattended-Upgrade \"1\";\n")
        .contains("Unattended-Upgrade::Automatic-Reboot \"false\";\n");

    // The pin is read by apt: the installed version at the pin's priority.
    String policy = ok("apt-cache -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="
        + root.resolve("etc/apt/preferences.d") + " policy restic");
    assertThat(policy).contains("*** " + version + " 1001\n");

    // The window is a calendar expression systemd accepts, as the timer's drop-in sets it.
    String dropIn = Files.readString(
        root.resolve("etc/systemd/system/apt-daily-upgrade.timer.d/stead-window.conf"));
    assertThat(dropIn).contains("\nOnCalendar=\nOnCalendar=Mon..Fri *-*-* 02:30\n")
        .contains("\nRandomizedDelaySec=90min\nPersistent=false\n");
    assertThat(ok("systemd-analyze calendar 'Mon..Fri *-*-* 02:30'"))
        .contains("Normalized form: Mon..Fri *-*-* 02:30:00");
  }

  @Test
  void aHoldIsSetOnceAndReleasedOnce() throws Exception {
    ModuleApply.needsRootWith("apt-mark", "restic");
    assertThat(ok("apt-mark showhold")).as("restic is not held before the test")
        .doesNotContain("restic");
    Path env = tmp.resolve("env");
    try {
      write(env, "site.groovy", "patching_hold('restic')\n");
      InProcess hold = apply(env, Path.of("/"), tmp.resolve("state"));
      assertThat(hold.exitCode()).as(hold.toString()).isEqualTo(2);
      assertThat(hold.out()).contains("exec[apt-mark hold restic]");
      assertThat(ok("apt-mark showhold")).isEqualTo("restic\n");
      assertNoChanges(apply(env, Path.of("/"), tmp.resolve("state")));

      write(env, "site.groovy", "patching_hold('restic', held: false)\n");
      InProcess release = apply(env, Path.of("/"), tmp.resolve("state"));
      assertThat(release.exitCode()).as(release.toString()).isEqualTo(2);
      assertThat(ok("apt-mark showhold")).doesNotContain("restic");
      assertNoChanges(apply(env, Path.of("/"), tmp.resolve("state")));
    } finally {
      sh("apt-mark unhold restic");
    }
  }
}
