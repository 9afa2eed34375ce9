package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security.md's steps for a leaked node key, with real processes: revoke, clean, remove
 * {@code STATE/ssl}, re-enrol with a new key. The node's code holds a secret, and the catalog
 * has not changed, so the master would answer "unchanged": the envelopes the agent kept are
 * sealed to its old key, and the master must seal them anew to the new one.
 */
class ReenrolmentSecretsEndToEndTest {
  private static final String SECRET = "reenrol-Pa55word-9c4e2a71";
  @TempDir Path tmp;

  @Test
  void aReenrolledNodeOpensItsSecretsWithItsNewKey() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Path data = tmp.resolve("master");
    Path state = tmp.resolve("state");
    Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
    try (MasterProcess master = MasterProcess.start(data, code, "--autosign", "*.test")) {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Files.writeString(code.resolve("site.groovy"), """
          node('web1.test') {
              file('/etc/db.pass') { content secret('BLOB'); mode '0600' }
          }
          """.replace("BLOB", Cli.runWithInput(SECRET, "secret", "encrypt", "--data",
              data.toString())));
      String[] run = {"agent", "run", "--once", "--server", master.address,
          "--certname", "web1.test", "--state", state.toString(), "--root", root.toString(),
          "--ca-fingerprint", fingerprint};
      Cli first = Cli.run(run);
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(root.resolve("etc/db.pass")).hasContent(SECRET);
      String oldKey = Files.readString(state.resolve("ssl/private_key.pem"));

      // The steps, as the doc gives them.
      for (String step : new String[] {"revoke", "clean"}) {
        Cli done = Cli.inThisJvm("ca", step, "web1.test", "--data", data.toString());
        assertThat(done.exitCode()).as(done.toString()).isZero();
      }
      try (Stream<Path> ssl = Files.walk(state.resolve("ssl"))) {
        ssl.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      Files.writeString(root.resolve("etc/db.pass"), "by-hand\n");

      Cli reenrolled = Cli.run(run);
      assertThat(Files.readString(state.resolve("ssl/private_key.pem"))).isNotEqualTo(oldKey);
      assertThat(reenrolled.output()).doesNotContain("cannot be opened");
      assertThat(reenrolled.exitCode()).as(reenrolled.toString()).isEqualTo(2);
      assertThat(root.resolve("etc/db.pass")).hasContent(SECRET);

      // And from then on, an unchanged catalog keeps its (new) envelopes.
      Cli again = Cli.run(run);
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(root.resolve("etc/db.pass")).hasContent(SECRET);
    }
  }
}
