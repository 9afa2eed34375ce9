package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.SystemHost;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firewall module applied for real as root, into a network namespace the test makes
 * (firewall::namespace) and removes, never the machine's own: the first run converges, the
 * second changes nothing, and the machine's ruleset is the same before and after.
 */
class FirewallConvergeTest {
  private static final String NETNS = "stead-test-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path env;
  @TempDir Path state;
  private String hostRuleset;

  private static CommandResult sh(String script) {
    return SystemHost.unrestricted().run(Command.of(List.of("/bin/sh", "-c", script)));
  }

  @BeforeEach
  void namespace() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root: this test loads an nftables ruleset (CI runs it as root)");
    for (String tool : List.of("nft", "ip", "unshare")) {
      boolean present = sh("command -v " + tool).ok();
      if (System.getenv("CI") != null && !present) {
        // On CI's throwaway machine a missing tool is a broken .ci/run, never a skip.
        throw new AssertionError("needs " + tool + " installed: .ci/run must install it");
      }
      assumeTrue(present, "needs " + tool + " installed (see .ci/run)");
    }
    hostRuleset = sh("nft -s list ruleset").stdout();
    assertThat(sh("ip netns add " + NETNS + " && ip -n " + NETNS + " link set lo up").ok())
        .isTrue();
  }

  @AfterEach
  void removeNamespace() {
    if (hostRuleset != null) {
      sh("ip netns del " + NETNS);
      assertThat(sh("ip netns list").stdout()).doesNotContain(NETNS);
      assertThat(sh("nft -s list ruleset").stdout()).as("the machine's own ruleset")
          .isEqualTo(hostRuleset);
    }
  }

  private Report converge(Catalog catalog) {
    Report report = new Converger(new ConvergeOptions(Path.of("/"), state, false))
        .converge(catalog);
    assertThat(report.getSummary().getFailed()).as(report.toString()).isZero();
    return report;
  }

  @Test
  void convergesInOneRunAndTheSecondChangesNothing() throws Exception {
    Files.createDirectories(env.resolve("data/nodes"));
    Files.writeString(env.resolve("data/common.yaml"),
        "firewall::admin_networks: [10.1.0.0/16]\nfirewall::namespace: " + NETNS + "\n");
    Files.writeString(env.resolve("data/nodes/web01.yaml"), "firewall::roles: [web]\n");
    Compiler compiler = ModuleFixture.environment(env, "node('default') { include 'firewall' }\n");
    Catalog catalog = compiler.compile("web01", TestFacts.debian().toFacts());

    Report first = converge(catalog);
    assertThat(first.getSummary().getChanged()).as(first.toString()).isEqualTo(1);
    assertThat(sh("ip netns exec " + NETNS + " nft list table inet stead").stdout())
        .contains("policy drop;")
        .contains("ip saddr 10.1.0.0/16 tcp dport 22 accept")
        .contains("tcp dport 80 accept").contains("tcp dport 443 accept");

    Report second = converge(catalog);
    assertThat(second.getSummary().getChanged()).as(second.toString()).isZero();
    assertThat(second.getSummary().getOutOfSync()).as(second.toString()).isZero();
    assertThat(second.getResourcesList()).as("nothing to report").isEmpty();
  }
}
