package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `stead agent run --once --tags` against a real master: only the tagged resources are
 * checked, the report says the run was limited, and neither the node's summary nor the
 * fleet's compliance moves; the skipped resource's drift is found by the next full run.
 */
class TagLimitedRunEndToEndTest {
  @TempDir Path tmp;

  @Test
  void aTagLimitedRunLeavesComplianceAndTheSkippedResourcesAsTheyWere() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), """
        node('web1.test') {
          file('/etc/motd') { content 'hello\\n'; tag 'motd' }
          file('/etc/issue') { content 'issue\\n' }
        }
        """);
    MasterProcess master = MasterProcess.start(tmp.resolve("master"), code,
        "--autosign", "*.test");
    try (AdminClient admin = master.admin()) {
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      List<String> run = new ArrayList<>(List.of("agent", "run", "--once", "--server",
          master.address, "--certname", "web1.test", "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", admin.caFingerprint()));
      List<String> tagged = new ArrayList<>(run);
      tagged.addAll(List.of("--tags", "motd"));

      assertThat(Cli.run(run.toArray(String[]::new)).exitCode()).isEqualTo(2);
      Report full = new FleetClient(admin).latest("web1.test", 1).get(0);
      assertThat(full.hasTagLimit()).isFalse();
      assertThat(compliance(master)).containsPattern("\\(fleet\\)\\s+1\\s+1\\s+100\\.0%");

      Files.writeString(root.resolve("etc/issue"), "by hand\n");
      Cli limited = Cli.run(tagged.toArray(String[]::new));
      assertThat(limited.exitCode()).as(limited.toString()).isEqualTo(0);
      assertThat(limited.output()).contains("limited to tags: motd")
          .contains("run: 1 resources, 0 changed").doesNotContain("/etc/issue");
      assertThat(Files.readString(root.resolve("etc/issue"))).isEqualTo("by hand\n");
      Report limitedReport = new FleetClient(admin).latest("web1.test", 1).get(0);
      assertThat(limitedReport.getTagLimit().getTagsList()).containsExactly("motd");
      assertThat(limitedReport.getSummary().getResources()).isEqualTo(1);

      // Drift found by a limited run does not make the node drifting either: the node
      // stands as its last full run left it.
      Files.writeString(root.resolve("etc/motd"), "tampered\n");
      Cli repaired = Cli.run(tagged.toArray(String[]::new));
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
      assertThat(repaired.output()).contains("drift: file[/etc/motd] content");
      NodeInfo node = admin.node("web1.test");
      assertThat(node.getLastReportId()).isEqualTo(full.getId());
      assertThat(node.getLastDriftEvents()).isZero();
      assertThat(compliance(master)).containsPattern("\\(fleet\\)\\s+1\\s+1\\s+100\\.0%");

      // The next full run checks the skipped file against the state it was left in: drift.
      Cli next = Cli.run(run.toArray(String[]::new));
      assertThat(next.exitCode()).as(next.toString()).isEqualTo(2);
      assertThat(next.output()).contains("drift: file[/etc/issue] content")
          .doesNotContain("/etc/motd");
      assertThat(admin.node("web1.test").getLastDriftEvents()).isEqualTo(1);
      assertThat(compliance(master)).containsPattern("\\(fleet\\)\\s+1\\s+0\\s+0\\.0%");

      Cli daemon = Cli.run("agent", "run", "--tags", "motd", "--server", master.address);
      assertThat(daemon.exitCode()).isEqualTo(1);
      assertThat(daemon.output()).contains("--tags and --skip-tags need --once");
    } finally {
      master.close();
    }
  }

  private static String compliance(MasterProcess master) throws Exception {
    return master.stead("compliance", "--since", "1h").output().lines()
        .reduce((a, b) -> b).orElseThrow();
  }
}
