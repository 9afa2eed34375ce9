package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging module applied for real under a temporary root, never to this machine's own
 * rsyslog: two runs converge and the drop-in passes the real rsyslogd -N1.
 */
class LoggingConvergeTest {
  @TempDir Path tmp;

  @Test
  void convergesInOneRunAndTheDropInPassesRsyslog() throws Exception {
    Path env = Files.createDirectories(tmp.resolve("env/data"));
    // Under --root no command runs: no rsyslogd -N1, apt-get or systemctl.
    Files.writeString(env.resolve("common.yaml"),
        "logging::server: logs.example.com\nlogging::validate: false\n");
    Catalog catalog = ModuleFixture.environment(tmp.resolve("env"),
        "node('default') { include 'logging' }\n").compile("web01", TestFacts.debian().toFacts());
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc/rsyslog.d"));

    new ModuleConverge(root, tmp.resolve("state"), "pkg", "service")
        .applyTwiceConverging(catalog);

    Path dropIn = root.resolve("etc/rsyslog.d/60-stead-forward.conf");
    assertThat(dropIn).content().contains("target=\"logs.example.com\"");
    RealTool check = RealTool.run("/usr/sbin/rsyslogd", "-N1", "-f", dropIn.toString());
    assertThat(check.exitCode()).as(check.toString()).isZero();
  }
}
