package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import dev.stead.wire.SecretBlob;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupModuleTest {
  private static final String SCRIPT = "file[/usr/local/sbin/stead-backup]";
  private static final String CRON = "cron[backup /usr/local/sbin/stead-backup]";

  @TempDir Path env;

  private CatalogView compile(String node) throws Exception {
    Compiler c = ModuleFixture.environment(env, "node('default') { include 'backup' }\n");
    return CatalogView.of(c.compile(node, TestFacts.debian().toFacts()));
  }

  private void data(String relative, String yaml) throws Exception {
    ModuleFixture.data(env, relative, yaml);
  }

  @Test
  void listedPathsGoToResticNightlyWithTheDefaultRetention() throws Exception {
    data("common.yaml", """
        backup::paths: [/etc, /srv/app/data]
        backup::excludes: ['*.tmp']
        backup::password: correct horse
        """);
    CatalogView c = compile("web01.example.com");
    c.resource("pkg[restic]").hasParameter("ensure", "installed").before(SCRIPT);
    c.resource("file[/etc/stead-backup]").hasParameter("ensure", "directory")
        .hasParameter("mode", "0700").hasParameter("owner", "root");
    c.resource("file[/etc/stead-backup/password]").hasParameter("content", "correct horse")
        .hasParameter("mode", "0600").hasParameter("show_diff", false);
    c.resource("file[/etc/stead-backup/paths]").hasParameter("content", "/etc\n/srv/app/data\n")
        .hasParameter("mode", "0600");
    c.resource("file[/etc/stead-backup/excludes]").hasParameter("content", "*.tmp\n");
    c.resource(SCRIPT).hasParameter("mode", "0750").before(CRON)
        .parameterContains("content", "export RESTIC_REPOSITORY='/var/backups/restic'\n"
            + "export RESTIC_PASSWORD_FILE='/etc/stead-backup/password'\n"
            + "host='web01.example.com'\n")
        .parameterContains("content", "restic backup --quiet --host \"$host\" --tag stead"
            + " --files-from '/etc/stead-backup/paths' \\\n"
            + "        --exclude-file '/etc/stead-backup/excludes'\n")
        .parameterContains("content", "restic forget --quiet --host \"$host\" --tag stead --prune"
            + " --keep-daily 7 --keep-weekly 4 --keep-monthly 6\n");
    c.resource(CRON).hasParameter("command", "/usr/local/sbin/stead-backup run")
        .hasParameter("user", "root").hasParameter("hour", "2").hasParameter("minute", "15");
    c.hasResourceCount(7);
  }

  @Test
  void pathsAddUpAcrossLevelsAndTheScheduleAndRetentionComeFromData() throws Exception {
    data("common.yaml", """
        backup::paths: [/etc]
        backup::password: correct horse
        backup::repository: sftp:backup@vault.example.com:/srv/restic/web01
        backup::keep: {last: 3, weekly: 2}
        backup::hour: '4'
        backup::minute: '40'
        """);
    data("nodes/web01.yaml", "backup::paths: [/var/www]\n");
    CatalogView c = compile("web01");
    c.resource("file[/etc/stead-backup/paths]").hasParameter("content", "/var/www\n/etc\n");
    c.resource(SCRIPT)
        .parameterContains("content",
            "RESTIC_REPOSITORY='sftp:backup@vault.example.com:/srv/restic/web01'\n")
        .parameterContains("content", "--prune --keep-last 3 --keep-weekly 2\n");
    c.resource(CRON).hasParameter("hour", "4").hasParameter("minute", "40");
  }

  @Test
  void anEncryptedPasswordReachesOnlyThePasswordFile() throws Exception {
    SecretBlob key = SecretBlob.of("0123456789abcdef", "b".repeat(64), new byte[40]);
    data("common.yaml", "backup::paths: [/etc]\nbackup::password: '" + key.text() + "'\n");
    CatalogView c = compile("web01");
    assertThat(c.resource("file[/etc/stead-backup/password]").resource()
        .getParametersOrThrow("content").getSecretValue()).isEqualTo(key.ref());
    assertThat(c.resource(SCRIPT).parameter("content").toString())
        .contains("RESTIC_PASSWORD_FILE='/etc/stead-backup/password'").doesNotContain("ENC[");
  }

  @Test
  void withoutPathsOrAPasswordThereIsNothingToBackUp() throws Exception {
    data("common.yaml", "backup::password: x\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup/manifests/backup.groovy:")
        .hasMessageContaining("backup::paths is empty");
    data("common.yaml", "backup::paths: [/etc]\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup::password is not set");
  }

  @Test
  void aRetentionThatWouldForgetEverythingIsRefused() throws Exception {
    data("common.yaml", "backup::paths: [/etc]\nbackup::password: x\nbackup::keep: {dayly: 7}\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup::keep: 'dayly: 7' is not a period");
    data("common.yaml", "backup::paths: [/etc]\nbackup::password: x\nbackup::keep: {daily: 0}\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup::keep: 'daily: 0' is not a period");
  }

  @Test
  void aPathTheScriptCannotQuoteOrARelativeOneIsRefused() throws Exception {
    data("common.yaml", "backup::paths: [\"/srv/it's\"]\nbackup::password: x\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup: '/srv/it's' has a quote or a line break");
    data("common.yaml", "backup::paths: [srv]\nbackup::password: x\n");
    assertThatThrownBy(() -> compile("web01"))
        .hasMessageContaining("backup: 'srv' is not an absolute path");
  }
}
