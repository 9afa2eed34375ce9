package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.rollout.RolloutClient;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutPhase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged rollout with two real master processes on one PostgreSQL database, each with a
 * DATA and a code directory of its own (two machines): started on one master from a
 * directory only that master's machine has, it reaches a node that asks the other master,
 * whose report completes the rollout; a second start on the other master is refused while
 * the first runs.
 */
class RolloutAcrossMastersEndToEndTest {
  @TempDir Path tmp;

  private static String site(String content) {
    return "node('default') { file('/etc/motd') { content '" + content + "\\n' } }\n";
  }

  private static Path code(Path dir, String content) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("site.groovy"), site(content));
    return dir;
  }

  /** One agent run of {@code node} against {@code master}; the motd it leaves. */
  private String converge(MasterProcess master, String node) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root-" + node).resolve("etc")).getParent();
    master.agentRunOnce(node, tmp.resolve("state-" + node), root);
    return Files.readString(root.resolve("etc/motd"));
  }

  private static Rollout rollout(MasterProcess master) throws Exception {
    try (AdminClient admin = master.admin()) {
      return new RolloutClient(admin).status("production").get(0);
    }
  }

  @Test
  void aRolloutStartedOnOneMasterReachesANodeThatAsksTheOther() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path credentials = cluster.writeCredentialsFile(tmp.resolve("store.credentials"));
    String[] store = {"--store", db.toString(), "--store-credentials", credentials.toString(),
        "--autosign", "*.test"};
    Path next = code(tmp.resolve("a-machine/next"), "v2");
    try (MasterProcess a = MasterProcess.start(tmp.resolve("a-machine/data"),
            code(tmp.resolve("a-machine/code"), "v1"), store);
        MasterProcess b = MasterProcess.start(tmp.resolve("b-machine/data"),
            code(tmp.resolve("b-machine/code"), "v1"), plus(store, "--no-ca"))) {
      assertThat(converge(a, "web1.test")).isEqualTo("v1\n");

      String started = a.stead("rollout", "start", "--environment", "production", "--code",
          next.toString(), "--canary", "100%", "--step", "50%", "--max-failures", "0%")
          .output();
      assertThat(started).containsPattern("rollout [0-9a-f]{12} of production: running");
      Rollout r = rollout(a);
      // A second rollout of the environment, on the other master, waits for this one.
      Cli refused = b.steadMayFail("rollout", "start", "--environment", "production",
          "--code", code(tmp.resolve("b-machine/next"), "v3").toString(), "--canary", "100%");
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.output()).contains("has rollout " + r.getId() + " running");
      // B's machine has no such directory: it serves the copy A froze, from the database.
      assertThat(converge(b, "web1.test")).isEqualTo("v2\n");
      assertThat(Catalog.parseFrom(Files.readAllBytes(tmp.resolve("state-web1.test")
          .resolve("catalog/last.pb"))).getCodeVersion()).isEqualTo(r.getCodeVersion());
      assertThat(tmp.resolve("b-machine/data/rollouts").resolve(r.getId())
          .resolve("site.groovy")).hasContent(site("v2"));

      // The report B took settles the canary; either master sees the rollout complete.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (rollout(a).getPhase() != RolloutPhase.ROLLOUT_COMPLETED
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(rollout(a).getPhase()).isEqualTo(RolloutPhase.ROLLOUT_COMPLETED);
      assertThat(b.stead("rollout", "status").output()).contains("of production: completed");
    }
  }

  private static String[] plus(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
