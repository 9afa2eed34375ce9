package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Noop runs and the fleet's figures, with real processes: drift seen by a noop run is
 * pending, the real run that repairs it does not count it a second time, and a noop run with
 * nothing pending keeps the node in compliance.
 */
class NoopFiguresEndToEndTest {
  @TempDir Path tmp;
  private MasterProcess master;

  private static List<String> rows(Cli table) {
    return table.output().lines().skip(1).toList();
  }

  @Test
  void aNoopSightingAndItsRepairAreOneDrift() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      List<String> run = List.of("agent", "run", "--once", "--server", master.address,
          "--certname", "web1.test", "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", fingerprint);
      List<String> noop = new ArrayList<>(run);
      noop.add("--noop");
      assertThat(Cli.run(run.toArray(String[]::new)).exitCode()).isEqualTo(2);

      Files.writeString(root.resolve("etc/motd"), "by hand\n");
      for (int i = 0; i < 2; i++) {
        Cli seen = Cli.run(noop.toArray(String[]::new));
        assertThat(seen.exitCode()).as(seen.toString()).isEqualTo(2);
      }
      assertThat(master.stead("nodes").output()).containsPattern("web1\\.test\\s+pending");
      assertThat(master.stead("reports", "--node", "web1.test").output())
          .containsPattern("web1\\.test\\s+pending");
      List<String> pending = rows(master.stead("drift", "--since", "1h"));
      assertThat(pending).hasSize(1);
      assertThat(pending.get(0)).contains("file[/etc/motd]").contains("pending");
      assertThat(master.stead("compliance", "--since", "1h").output().lines()
          .reduce((a, b) -> b).orElseThrow()).containsPattern("\\(fleet\\)\\s+1\\s+0\\s+0\\.0%");

      Cli repaired = Cli.run(run.toArray(String[]::new));
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
      List<String> once = rows(master.stead("drift", "--since", "1h"));
      assertThat(once).hasSize(1);
      assertThat(once.get(0)).contains("file[/etc/motd]").contains("repaired");

      Cli clean = Cli.run(noop.toArray(String[]::new));
      assertThat(clean.exitCode()).as(clean.toString()).isZero();
      assertThat(master.stead("nodes").output()).containsPattern("web1\\.test\\s+unchanged");
      assertThat(master.stead("compliance", "--since", "1h").output().lines()
          .reduce((a, b) -> b).orElseThrow()).containsPattern("\\(fleet\\)\\s+1\\s+1\\s+100\\.0%");
      assertThat(rows(master.stead("drift", "--since", "1h"))).hasSize(1);
    } finally {
      master.close();
    }
  }
}
