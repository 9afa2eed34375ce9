package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchingModuleTest {
  private static final String CONFIG = "file[/etc/apt/apt.conf.d/52stead-patching]";
  private static final String WINDOW =
      "file[/etc/systemd/system/apt-daily-upgrade.timer.d/stead-window.conf]";

  @TempDir Path env;

  private CatalogView compile() throws Exception {
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'patching' }\n");
    return CatalogView.of(c.compile("web01", TestFacts.debian().toFacts()));
  }

  private void data(String yaml) throws Exception {
    Files.createDirectories(env.resolve("data"));
    Files.writeString(env.resolve("data/common.yaml"), yaml);
  }

  @Test
  void byDefaultOnlySecurityUpdatesAreInstalledInANightlyWindow() throws Exception {
    CatalogView c = compile();
    c.resource("pkg[unattended-upgrades]").hasParameter("ensure", "installed").containedIn("patching");
    c.resource(CONFIG).requires("pkg[unattended-upgrades]").hasParameter("mode", "0644")
        .hasParameter("owner", "root").hasParameter("content", """
        // Managed by Stead: local changes are reverted.
        // Read after 20auto-upgrades and 50unattended-upgrades: what this file sets wins, and the
        // lists it clears hold only what is below.
        APT::Periodic::Update-Package-Lists "1";
        APT::Periodic::Unattended-Upgrade "1";

        #clear Unattended-Upgrade::Origins-Pattern;
        Unattended-Upgrade::Origins-Pattern {
            "origin=Debian,codename=${distro_codename},label=Debian-Security";
            "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";
        };

        #clear Unattended-Upgrade::Package-Blacklist;
        Unattended-Upgrade::Package-Blacklist {
        };

        // Reboot, when an upgrade needs it, right away: still inside the maintenance window.
        Unattended-Upgrade::Automatic-Reboot "false";
        Unattended-Upgrade::Automatic-Reboot-Time "now";
        """);
    c.resource("file[/etc/systemd/system/apt-daily-upgrade.timer.d]")
        .hasParameter("ensure", "directory");
    c.resource(WINDOW).parameterContains("content", """
        [Timer]
        OnCalendar=
        OnCalendar=* *-*-* 03:00
        RandomizedDelaySec=1h
        Persistent=false
        """);
    c.resource("exec[patching: systemctl daemon-reload]")
        .hasParameter("command", "systemctl daemon-reload").hasParameter("refreshonly", true)
        .hasParameter("onlyif", "test -d /run/systemd/system").subscribes(WINDOW);
    c.hasResourceCount(5);
  }

  @Test
  void theWindowRebootsAndMailComeFromData() throws Exception {
    data("""
        patching::window_days: Mon..Thu,Sat
        patching::window_start: '02:30'
        patching::window_length: 90min
        patching::reboot: true
        patching::mail: ops@example.com
        patching::blacklist: ['linux-image-.*']
        """);
    CatalogView c = compile();
    c.resource(WINDOW).parameterContains("content", "\nOnCalendar=Mon..Thu,Sat *-*-* 02:30\n"
        + "RandomizedDelaySec=90min\n");
    c.resource(CONFIG)
        .parameterContains("content", "Blacklist {\n    \"linux-image-.*\";\n};")
        .parameterContains("content", "Unattended-Upgrade::Automatic-Reboot \"true\";\n")
        .parameterContains("content", "Unattended-Upgrade::Mail \"ops@example.com\";\n"
            + "Unattended-Upgrade::MailReport \"on-change\";\n");
  }

  @Test
  void turnedOffTheTimerNeitherRefreshesListsNorUpgrades() throws Exception {
    data("patching::enable: false\n");
    compile().resource(CONFIG)
        .parameterContains("content", "APT::Periodic::Update-Package-Lists \"0\";\n"
            + "APT::Periodic::Unattended-Upgrade \"0\";\n");
  }

  @Test
  void holdsAndReleasesAreAnAptMarkRunOnlyWhenTheHoldDiffers() throws Exception {
    data("""
        patching::holds: [postgresql-15, libstdc++6:amd64]
        patching::unholds: [nginx]
        """);
    CatalogView c = compile();
    c.resource("exec[apt-mark hold postgresql-15]")
        .hasParameter("unless", "apt-mark showhold postgresql-15 | grep -qxF postgresql-15")
        .hasNoParameter("onlyif").containedIn("patching_hold[postgresql-15]");
    c.resource("exec[apt-mark hold libstdc++6:amd64]");
    c.resource("exec[apt-mark unhold nginx]")
        .hasParameter("onlyif", "apt-mark showhold nginx | grep -qxF nginx")
        .hasNoParameter("unless");
  }

  @Test
  void pinsArePreferencesFilesAptReads() throws Exception {
    data("""
        patching::pins:
          nginx: {packages: 'nginx nginx-common', version: '1.22.*', priority: 1001}
          backports: {packages: '*', release: 'n=bookworm-backports', priority: 100}
          openssl: {origin: deb.debian.org, priority: 900}
        """);
    CatalogView c = compile();
    c.resource("file[/etc/apt/preferences.d/stead-nginx]").hasParameter("mode", "0644")
        .hasParameter("content", """
            Explanation: Managed by Stead: local changes are reverted.
            Package: nginx nginx-common
            Pin: version 1.22.*
            Pin-Priority: 1001
            """);
    c.resource("file[/etc/apt/preferences.d/stead-backports]")
        .parameterContains("content", "Package: *\nPin: release n=bookworm-backports\n"
            + "Pin-Priority: 100\n");
    c.resource("file[/etc/apt/preferences.d/stead-openssl]")
        .parameterContains("content", "Package: openssl\nPin: origin deb.debian.org\n");
  }

  @Test
  void aWindowSystemdCouldNotReadFailsNamingTheKey() throws Exception {
    data("patching::window_start: '3am'\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::window_start: '3am' is not a time of day, HH:MM");
    data("patching::window_days: Monday\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::window_days: 'Monday' is not '*' or systemd weekdays");
    data("patching::window_length: 1 hour\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::window_length: '1 hour' is not a duration");
  }

  @Test
  void aHoldThatIsNotAPackageNameNeverReachesTheShell() throws Exception {
    data("patching::holds: ['nginx; rm -rf /']\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::holds: 'nginx; rm -rf /' is not a Debian package name");
  }

  @Test
  void aPinNeedsOneSelectorAndAPriority() throws Exception {
    data("patching::pins: {nginx: {version: '1.22.*', release: 'n=bookworm', priority: 1}}\n");
    assertThatThrownBy(this::compile).hasMessageContaining(
        "patching::pins: 'nginx' needs exactly one of version, release or origin, has 2");
    data("patching::pins: {nginx: {version: '1.22.*'}}\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::pins: 'nginx' has no priority");
    data("patching::pins: {nginx.pref: {version: '1.22.*', priority: 1}}\n");
    assertThatThrownBy(this::compile)
        .hasMessageContaining("patching::pins: 'nginx.pref' is not a name of letters");
  }
}
