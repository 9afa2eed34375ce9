package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stead resource}: what it prints is Stead code that compiles to the resource, and
 * that this machine already satisfies (a noop apply of it changes nothing).
 */
class ResourceCommandTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"user root", "group root", "file /etc/hostname", "host localhost",
      "pkg bash"})
  void theOutputCompilesAndIsInSyncWithThisMachine(String command) throws Exception {
    String[] words = command.split(" ");
    if (words[0].equals("pkg")) {
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-query")), "no dpkg here");
    }
    InProcess shown = InProcess.run("resource", words[0], words[1]);
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out()).startsWith(words[0] + "('" + words[1] + "'");

    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, shown.out());
    Catalog catalog = Compiler.forManifest(manifest, List.of())
        .compile("inspected.example", Facts.getDefaultInstance());
    assertThat(catalog.getResourcesList()).singleElement().satisfies(r -> {
      assertThat(r.getType()).isEqualTo(words[0]);
      assertThat(r.getTitle()).isEqualTo(words[1]);
    });

    InProcess noop = InProcess.run("apply", manifest.toString(), "--noop",
        "--state", tmp.resolve("state").toString(), "--no-catalog-cache");
    assertThat(noop.exitCode()).as(shown.out() + "\n" + noop.out() + noop.err()).isZero();
    assertThat(noop.out()).contains("1 resources, 0 would change");
  }

  @Test
  void fileContentWithQuotesBackslashesAndDollarsComesBackExactly() throws Exception {
    Path file = tmp.resolve("tricky.conf");
    String content = "it's a \\path\\ with $HOME and ${x}\n\ttabbed \"quoted\"\n";
    Files.writeString(file, content);
    InProcess shown = InProcess.run("resource", "file", file.toString());
    assertThat(shown.exitCode()).as(shown.err()).isZero();

    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, shown.out());
    Catalog catalog = Compiler.forManifest(manifest, List.of())
        .compile("inspected.example", Facts.getDefaultInstance());
    assertThat(catalog.getResources(0).getParametersMap().get("content").getStringValue())
        .isEqualTo(content);
    InProcess noop = InProcess.run("apply", manifest.toString(), "--noop",
        "--state", tmp.resolve("state").toString(), "--no-catalog-cache");
    assertThat(noop.exitCode()).as(shown.out() + "\n" + noop.out() + noop.err()).isZero();
  }

  @Test
  void aUsersCrontabShowsMarkedEntriesAsCodeAndUnmarkedOnesCommentedOut() throws Exception {
    String user = "stead-inspect" + ProcessHandle.current().pid() % 10000;
    run("useradd", "--system", "--no-create-home", user);
    try {
      Process install = new ProcessBuilder("crontab", "-u", user, "-").start();
      try (var in = install.getOutputStream()) {
        in.write(("MAILTO=''\n# stead: nightly report\n15 3 * * * /usr/bin/true report\n"
            + "*/5 * * * * /usr/bin/true poll\n").getBytes(StandardCharsets.UTF_8));
      }
      assertThat(install.waitFor()).isZero();

      InProcess shown = InProcess.run("resource", "cron", user);
      assertThat(shown.exitCode()).as(shown.err()).isZero();
      assertThat(shown.out())
          .contains("cron('nightly report',\n    ensure: 'present',\n    user: '" + user)
          .contains("hour: '3'")
          .contains("// not marked for Stead").contains("// cron('" + user + "-1',");

      Path manifest = tmp.resolve("site.groovy");
      Files.writeString(manifest, shown.out());
      InProcess noop = InProcess.run("apply", manifest.toString(), "--noop",
          "--state", tmp.resolve("state").toString(), "--no-catalog-cache");
      assertThat(noop.exitCode()).as(shown.out() + "\n" + noop.out() + noop.err()).isZero();
      assertThat(noop.out()).contains("1 resources, 0 would change");
    } finally {
      run("crontab", "-r", "-u", user);
      run("userdel", user);
    }
  }

  @Test
  void specialEntriesAndTheirEnvironmentAreShownAsCodeThatIsInSync() throws Exception {
    String user = "stead-special" + ProcessHandle.current().pid() % 10000;
    run("useradd", "--system", "--no-create-home", user);
    try {
      Process install = new ProcessBuilder("crontab", "-u", user, "-").start();
      try (var in = install.getOutputStream()) {
        in.write(("# stead: on boot\n@reboot /usr/bin/true boot\n"
            + "# stead: nightly\nMAILTO=ops@example.com\nPATH=/usr/bin:/bin\n"
            + "@daily /usr/bin/true nightly\n"
            + "@hourly /usr/bin/true unmarked\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      assertThat(install.waitFor()).isZero();

      InProcess shown = InProcess.run("resource", "cron", user);
      assertThat(shown.exitCode()).as(shown.err()).isZero();
      assertThat(shown.out())
          .contains("cron('on boot',\n    ensure: 'present',\n    user: '" + user
              + "',\n    special: 'reboot',\n    command: '/usr/bin/true boot')")
          .contains("cron('nightly',\n    ensure: 'present',\n    user: '" + user
              + "',\n    special: 'daily',\n    command: '/usr/bin/true nightly',\n"
              + "    environment: ['MAILTO=ops@example.com', 'PATH=/usr/bin:/bin'])")
          .contains("// not marked for Stead").contains("//     special: 'hourly',");

      Path manifest = tmp.resolve("site.groovy");
      Files.writeString(manifest, shown.out());
      InProcess noop = InProcess.run("apply", manifest.toString(), "--noop",
          "--state", tmp.resolve("state").toString(), "--no-catalog-cache");
      assertThat(noop.exitCode()).as(shown.out() + "\n" + noop.out() + noop.err()).isZero();
      assertThat(noop.out()).contains("2 resources, 0 would change");
    } finally {
      run("crontab", "-r", "-u", user);
      run("userdel", user);
    }
  }

  @Test
  void servicesAreListedFromTheInitScriptsOfThisMachine() throws Exception {
    String name = "steadtest-svc" + ProcessHandle.current().pid() % 10000;
    Path script = Path.of("/etc/init.d", name);
    Files.writeString(script, "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: " + name
        + "\n### END INIT INFO\ncase \"$1\" in status) exit 3 ;; *) exit 0 ;; esac\n");
    Files.setPosixFilePermissions(script,
        PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      InProcess listed = InProcess.run("resource", "service");
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      String declaration = "service('" + name + "',\n    ensure: 'stopped',\n"
          + "    enable: false)";
      assertThat(listed.out()).contains(declaration).contains("service('cron',");

      // Every service listed, as printed: it compiles, and this machine is in sync with it.
      Path manifest = tmp.resolve("site.groovy");
      Files.writeString(manifest, listed.out());
      InProcess noop = InProcess.run("apply", manifest.toString(), "--noop",
          "--state", tmp.resolve("state").toString(), "--no-catalog-cache");
      assertThat(noop.exitCode()).as(listed.out() + noop.out() + noop.err()).isZero();
      assertThat(noop.out()).contains(" 0 would change");
    } finally {
      Files.deleteIfExists(script);
    }
  }

  @Test
  void mountsListTheRootFileSystem() {
    InProcess run = InProcess.run("resource", "mount");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("(?m)^(// )?mount\\('/',");
  }

  private static void run(String... command) throws Exception {
    new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  @Test
  void withoutANameEveryUserIsListed() {
    InProcess run = InProcess.run("resource", "user");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("user('root',").contains("user('nobody',");
  }

  @Test
  void anUnsupportedTypeFailsListingTheSupportedOnes() {
    InProcess run = InProcess.run("resource", "zpool");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unsupported type zpool")
        .contains("user, group, pkg, host, file, service, mount, cron");
  }

  @Test
  void aMissingResourceFailsNamingIt() {
    InProcess run = InProcess.run("resource", "user", "no-such-user-here");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no user no-such-user-here");
  }
}
