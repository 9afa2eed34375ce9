package dev.stead.cli;

import static dev.stead.cli.ModuleApply.apply;
import static dev.stead.cli.ModuleApply.assertNoChanges;
import static dev.stead.cli.ModuleApply.ok;
import static dev.stead.cli.ModuleApply.sh;
import static dev.stead.cli.ModuleApply.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup module applied for real as root, with its files, repository and data in a
 * temporary directory, and the restore drill its docs describe: back up, delete, restore,
 * compare. The cron entry goes into root's crontab under a name unique to the test and is
 * removed afterwards.
 */
class BackupModuleConvergeTest {
  @TempDir Path tmp;
  private Path env;
  private Path data;
  private Path script;
  private String cronTitle;

  @BeforeEach
  void environment() throws Exception {
    ModuleApply.needsRootWith("restic", "crontab");
    env = tmp.resolve("env");
    data = Files.createDirectories(tmp.resolve("data"));
    script = Files.createDirectories(tmp.resolve("bin")).resolve("stead-backup");
    cronTitle = "backup " + script;
    write(env, "site.groovy", "node('default') { include 'backup' }\n");
    write(env, "data/common.yaml", """
        backup::paths: ['%s']
        backup::excludes: ['*.tmp']
        backup::password: drill password
        backup::repository: '%s'
        backup::config_dir: '%s'
        backup::script: '%s'
        backup::keep: {last: 1}
        backup::hour: '3'
        backup::minute: '05'
        """.formatted(data, tmp.resolve("repo"), tmp.resolve("etc"), script));
  }

  @AfterEach
  void removeTheCronEntry() throws Exception {
    write(env, "site.groovy", "cron('%s', ensure: 'absent')\n".formatted(cronTitle));
    apply(env, Path.of("/"), tmp.resolve("state"));
  }

  /** The wrapper, with restic's cache kept in the test's directory. */
  private String backup(String args) throws Exception {
    return ok("RESTIC_CACHE_DIR=" + tmp.resolve("cache") + " " + script + " " + args);
  }

  @Test
  void convergesThenBacksUpForgetsPastTheRetentionAndRestoresWhatWasDeleted() throws Exception {
    InProcess first = apply(env, Path.of("/"), tmp.resolve("state"));
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(first.out()).contains(" 0 failed");
    assertNoChanges(apply(env, Path.of("/"), tmp.resolve("state")));
    assertThat(ok("crontab -l -u root")).contains("# stead: " + cronTitle + "\n"
        + "05 3 * * * " + script + " run\n");
    assertThat(ok("stat -c '%a %U' " + tmp.resolve("etc/password"))).isEqualTo("600 root\n");

    write(data, "app.conf", "port = 8080\n");
    write(data, "reports/2026 q4.csv", "a,b\n1,2\n");
    Files.write(data.resolve("reports/blob.bin"), new byte[] {0, 1, 2, (byte) 255, 10, 13});
    Files.setPosixFilePermissions(data.resolve("app.conf"),
        PosixFilePermissions.fromString("rw-r-----"));
    write(data, "scratch.tmp", "excluded\n");
    Map<String, String> before = tree(data);

    backup("run");
    backup("run");
    // keep last 1: the first snapshot is forgotten and its data pruned.
    assertThat(backup("snapshots")).contains("1 snapshots");

    // The drill: lose the data, restore the latest snapshot, compare.
    try (Stream<Path> files = Files.list(data)) {
      for (Path p : files.toList()) {
        ok("rm -r '" + p + "'");
      }
    }
    Path restored = tmp.resolve("restore");
    backup("restore " + restored);
    Map<String, String> expected = new TreeMap<>(before);
    expected.remove("scratch.tmp");
    assertThat(tree(restored.resolve(data.toString().substring(1)))).isEqualTo(expected);

    // One path alone, a name with a space included.
    Path one = tmp.resolve("one");
    backup("restore " + one + " '" + data.resolve("reports/2026 q4.csv") + "'");
    assertThat(tree(one.resolve(data.toString().substring(1))))
        .containsOnlyKeys("reports/2026 q4.csv");
    assertThat(backup("check")).contains("no errors were found");
  }

  @Test
  void aWrongPasswordFailsTheRunAndMakesNoSecondRepository() throws Exception {
    apply(env, Path.of("/"), tmp.resolve("state"));
    write(data, "a", "a\n");
    backup("run");
    Files.writeString(tmp.resolve("etc/password"), "guessed");
    ModuleApply.Result run = sh("RESTIC_CACHE_DIR=" + tmp.resolve("cache") + " " + script + " run");
    assertThat(run.exit()).as(run.out()).isNotZero();
    assertThat(run.out()).contains("config file already exists");
    // Stead puts the password back: drift, repaired.
    InProcess repaired = apply(env, Path.of("/"), tmp.resolve("state"));
    assertThat(repaired.out()).contains("drift: file[" + tmp.resolve("etc/password") + "] content");
    assertThat(backup("snapshots")).contains("1 snapshots");
  }

  /** Relative path to "mode:content" of every regular file beneath dir. */
  private static Map<String, String> tree(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p)) + ":" + HexFormat.of().formatHex(
            Files.readAllBytes(p)));
      }
    }
    return out;
  }
}
