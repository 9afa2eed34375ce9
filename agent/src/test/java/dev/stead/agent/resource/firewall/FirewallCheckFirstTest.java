package dev.stead.agent.resource.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.InMemoryHost;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of nft commands, with an in-memory host standing in for a namespace whose kernel
 * refuses what nft accepts elsewhere (which a throwaway namespace cannot produce on demand):
 * when {@code nft -c} refuses the script, {@code nft -f} never runs.
 */
class FirewallCheckFirstTest {
  @TempDir Path root;

  private static final String LISTING = "table inet stead {\n\tchain c {\n\t}\n}\n";

  private Result check(InMemoryHost host, boolean apply) throws Exception {
    Resource r = Resource.newBuilder().setType("firewall").setTitle("stead")
        .putAllParameters(Values.ofMap(Map.of("ruleset", "chain c {\n}"))).build();
    ApplyContext context = new ApplyContext(new RootedPaths(root),
        new BackupStore(root.resolve("backup")), host, new RunMemo());
    return new FirewallType().bind(r).checkApply(context, apply);
  }

  private static InMemoryHost host(CommandResult check) {
    return new InMemoryHost(false)
        .on("unshare", c -> CommandResult.exit(0, LISTING, ""))
        .on("nft", c -> c.argv().contains("-c") ? check
            : CommandResult.exit(0, "", ""));
  }

  @Test
  void aScriptNftCRefusesIsNeverLoaded() throws Exception {
    InMemoryHost host = host(CommandResult.exit(1, "",
        "Error: Could not process rule: Operation not supported\n"));
    Result result = check(host, true);
    assertThat(result.status()).isEqualTo(Result.Status.FAILED);
    assertThat(result.message()).startsWith("nft -c refuses the change, nothing applied: ")
        .contains("Operation not supported");
    assertThat(host.commandLines()).containsExactly(
        "unshare --net -- /bin/sh -c nft -f - && nft -s list ruleset",
        "nft list tables", "nft -c -f -");
    assertThat(host.commands().get(2).stdin())
        .isEqualTo("table inet stead\ndelete table inet stead\n" + "table inet stead {\n"
            + "chain c {\n}\n}\n");
  }

  @Test
  void noopChecksButNeverLoads() throws Exception {
    InMemoryHost host = host(CommandResult.exit(0, "", ""));
    assertThat(check(host, false).status()).isEqualTo(Result.Status.WOULD_CHANGE);
    assertThat(host.commandLines()).doesNotContain("nft -f -").contains("nft -c -f -");
  }
}
