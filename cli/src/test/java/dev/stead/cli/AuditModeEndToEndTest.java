package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit mode set by the operator on the master, with real master and agent processes: an
 * audited node reports its drift as pending and changes nothing (the agent cannot opt out),
 * `stead nodes` shows the mode, and back in enforce mode the next run repairs. Bad input is
 * refused with a clear message and changes nothing.
 */
class AuditModeEndToEndTest {
  private static final String HELLO = "hello\n";
  @TempDir Path tmp;
  private MasterProcess master;

  private static List<String> rows(Cli table) {
    return table.output().lines().skip(1).toList();
  }

  private List<String> agent(String node, Path root, String... extra) throws Exception {
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    List<String> run = new ArrayList<>(List.of("agent", "run", "--once", "--server",
        master.address, "--certname", node, "--state", tmp.resolve("state-" + node).toString(),
        "--root", root.toString(), "--ca-fingerprint", fingerprint));
    run.addAll(List.of(extra));
    return run;
  }

  private Report lastReport(String node) throws Exception {
    try (AdminClient admin = master.admin()) {
      return new FleetClient(admin).latest(node, 1).get(0);
    }
  }

  @Test
  void anAuditedNodeReportsDriftAsPendingAndChangesNothingUntilEnforcedAgain()
      throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      Path motd = root.resolve("etc/motd");
      List<String> run = agent("web1.test", root);
      assertThat(Cli.run(run.toArray(String[]::new)).exitCode()).isEqualTo(2);
      // NODE STATUS LAST-RUN DRIFTING MODE ...
      assertThat(rows(master.stead("nodes")).get(0))
          .containsPattern("^web1\\.test\\s+changed\\s+\\S+ \\S+\\s+no\\s+enforce\\s");

      Cli set = master.stead("node", "set", "web1.test", "mode=audit");
      assertThat(set.output()).contains("web1.test: mode=audit").contains("by stead-admin");
      assertThat(rows(master.stead("nodes")).get(0))
          .containsPattern("^web1\\.test\\s+changed\\s+\\S+ \\S+\\s+no\\s+audit\\s");
      assertThat(master.stead("nodes", "--json").output()).contains("\"mode\": \"AUDIT\"")
          .contains("\"mode\": \"audit\"");
      assertThat(master.stead("node", "show", "web1.test").output())
          .containsPattern("mode:\\s+audit").containsPattern("classified:\\s+mode=audit");

      Files.writeString(motd, "by hand\n");
      Cli audited = Cli.run(run.toArray(String[]::new));
      // As a noop run with changes pending: exit 2, and nothing changed.
      assertThat(audited.exitCode()).as(audited.toString()).isEqualTo(2);
      assertThat(audited.output()).contains("web1.test is in audit mode")
          .contains("run (audit): ").contains("would repair");
      assertThat(Files.readString(motd)).isEqualTo("by hand\n");
      Report report = lastReport("web1.test");
      assertThat(report.getMode()).isEqualTo(Mode.AUDIT);
      assertThat(report.getNoop()).isTrue();
      assertThat(rows(master.stead("nodes")).get(0)).containsPattern(
          "^web1\\.test\\s+pending\\s+\\S+ \\S+\\s+yes \\(1\\)\\s+audit\\s");
      List<String> pending = rows(master.stead("drift", "--since", "1h"));
      assertThat(pending).singleElement().satisfies(row -> assertThat(row)
          .contains("file[/etc/motd]").contains("pending"));
      // Computed as for any noop run: drift pending is not in sync.
      assertThat(master.stead("compliance", "--since", "1h").output().lines()
          .reduce((a, b) -> b).orElseThrow()).containsPattern("\\(fleet\\)\\s+1\\s+0\\s+0\\.0%");
      // --noop on top of audit changes nothing either; the mode is not the agent's to drop.
      Cli both = Cli.run(agent("web1.test", root, "--noop").toArray(String[]::new));
      assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
      assertThat(Files.readString(motd)).isEqualTo("by hand\n");

      assertThat(master.stead("node", "set", "web1.test", "mode=enforce").output())
          .contains("web1.test: mode=enforce");
      Cli repaired = Cli.run(run.toArray(String[]::new));
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
      assertThat(repaired.output()).doesNotContain("audit mode").contains("(repaired)");
      assertThat(Files.readString(motd)).isEqualTo(HELLO);
      assertThat(lastReport("web1.test").getMode()).isEqualTo(Mode.ENFORCE);
      assertThat(rows(master.stead("drift", "--since", "1h"))).singleElement()
          .satisfies(row -> assertThat(row).contains("file[/etc/motd]").contains("repaired"));
      assertThat(rows(master.stead("nodes")).get(0)).containsPattern(
          "^web1\\.test\\s+changed\\s+\\S+ \\S+\\s+yes \\(1\\)\\s+enforce\\s");

      assertThat(master.stead("node", "unset", "web1.test", "mode").output())
          .contains("web1.test: nothing set (mode enforce)");
    } finally {
      master.close();
    }
  }

  @Test
  void badClassificationsAreRefusedAndChangeNothing() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      master.stead("node", "set", "web1.test", "mode=audit");

      assertRefused(master.steadMayFail("node", "set", "web1.test", "mode=audited"),
          "mode must be one of audit, enforce, got 'audited'");
      assertRefused(master.steadMayFail("node", "set", "web1.test", "env=prod"),
          "unknown classification key 'env' (known: environment, mode)");
      // One bad key spoils the whole request: the good one is not applied either.
      assertRefused(master.steadMayFail("node", "set", "web1.test", "mode=enforce", "env=prod"),
          "unknown classification key 'env'");
      assertRefused(master.steadMayFail("node", "set", "web1.test", "mode"),
          "expected KEY=VALUE (e.g. mode=audit), got 'mode'");
      assertRefused(master.steadMayFail("node", "set", "Web_1", "mode=audit"),
          "certname 'Web_1' is not valid");
      assertRefused(master.steadMayFail("node", "unset", "web1.test", "colour"),
          "unknown classification key 'colour'");
      assertRefused(master.steadMayFail("node", "show", "nobody.test"),
          "the master knows no node 'nobody.test'");

      assertThat(master.stead("node", "show", "web1.test").output()).containsPattern("mode:\\s+audit")
          .containsPattern("status:\\s+unreported");
      // Classified before it ever ran: listed, and its very first run changes nothing.
      assertThat(rows(master.stead("nodes"))).singleElement()
          .satisfies(row -> assertThat(row)
              .containsPattern("^web1\\.test\\s+unreported\\s+-\\s+no\\s+audit\\s"));
    } finally {
      master.close();
    }
  }

  private static void assertRefused(Cli cli, String message) {
    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.output()).as(cli.toString()).contains(message);
  }

  @Test
  void aNodeAuditedBeforeItsFirstRunOrWhileItsCodeIsBrokenChangesNothing() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    String good = "node('default') { file('/etc/motd') { content 'hello\\n' } }\n";
    Files.writeString(code.resolve("site.groovy"), good);
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      // Classified before it enrols: its first run creates nothing.
      master.stead("node", "set", "new.test", "mode=audit");
      Path newRoot = Files.createDirectories(tmp.resolve("new/etc")).getParent();
      Cli first = Cli.run(agent("new.test", newRoot).toArray(String[]::new));
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(newRoot.resolve("etc/motd")).doesNotExist();

      // Enforced and converged, then the code breaks and the operator audits the node: the
      // agent falls back to its cached (enforcing) catalog, and the master's answer still
      // makes the run an audit.
      Path root = Files.createDirectories(tmp.resolve("web/etc")).getParent();
      List<String> run = agent("web1.test", root);
      assertThat(Cli.run(run.toArray(String[]::new)).exitCode()).isEqualTo(2);
      Files.writeString(code.resolve("site.groovy"), "node('default') { file('/etc/motd' {\n");
      master.stead("node", "set", "web1.test", "mode=audit");
      Files.writeString(root.resolve("etc/motd"), "by hand\n");
      Cli stale = Cli.run(run.toArray(String[]::new));
      // 4: the cached catalog because the code does not compile; 2: changes pending.
      assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(6);
      assertThat(Files.readString(root.resolve("etc/motd"))).isEqualTo("by hand\n");
      assertThat(lastReport("web1.test").getMode()).isEqualTo(Mode.AUDIT);
    } finally {
      master.close();
    }
  }
}
