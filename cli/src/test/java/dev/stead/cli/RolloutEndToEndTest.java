package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import dev.stead.master.AdminClient;
import dev.stead.master.rollout.RolloutClient;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutStatusResponse;
import dev.stead.proto.v1.StartRolloutRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staged rollouts with a real master process and real agents over mutual TLS: the canary
 * gets the frozen new code while the other nodes keep the previous code, waves widen as
 * their nodes report, the rollout's state survives a master restart, and at the end the
 * environment serves the new code; a canary whose new catalog does not compile halts the
 * rollout with the node and the error named, and abort puts it back on the previous code
 * while the other node never left it.
 */
class RolloutEndToEndTest {
  @TempDir Path tmp;
  private MasterProcess master;

  private static String site(String content) {
    return "node('default') { file('/etc/motd') { content '" + content + "\\n' } }\n";
  }

  /** One agent run of {@code node}; the motd it leaves. */
  private String converge(String node) throws Exception {
    return Files.readString(convergeMayFail(node));
  }

  /** One agent run of {@code node}, whatever its outcome; where its motd is. */
  private Path convergeMayFail(String node) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root-" + node).resolve("etc")).getParent();
    master.agentRunOnce(node, tmp.resolve("state-" + node), root);
    return root.resolve("etc/motd");
  }

  private Catalog held(String node) throws Exception {
    return Catalog.parseFrom(Files.readAllBytes(tmp.resolve("state-" + node)
        .resolve("catalog/last.pb")));
  }

  private Rollout rollout() throws Exception {
    try (AdminClient admin = master.admin()) {
      return new RolloutClient(admin).status("production").get(0);
    }
  }

  /** Polls the master (which moves rollouts on once a second) until {@code done}. */
  private Rollout awaitRollout(Predicate<Rollout> done, String what) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    Rollout r = rollout();
    while (!done.test(r)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the rollout is " + r);
      }
      Thread.sleep(200);
      r = rollout();
    }
    return r;
  }

  private static String waveNode(Rollout r, int wave) {
    assertThat(r.getWaves(wave - 1).getNodesList()).hasSize(1);
    return r.getWaves(wave - 1).getNodes(0);
  }

  @Test
  void wavesWidenAsNodesReportSurviveARestartAndTheEnvironmentEndsOnTheNewCode()
      throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), site("v1"));
    Path next = Files.createDirectories(tmp.resolve("next"));
    Files.writeString(next.resolve("site.groovy"), site("v2"));
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      List<String> nodes = List.of("web1.test", "web2.test", "web3.test");
      for (String node : nodes) {
        assertThat(converge(node)).isEqualTo("v1\n");
      }
      String v1 = held("web1.test").getCodeVersion();

      // Three nodes, canary 5% (one node), each wave 50% more: three waves of one node.
      String started = master.stead("rollout", "start", "--environment", "production",
          "--code", next.toString(), "--canary", "5%", "--step", "50%", "--max-failures",
          "0%", "--wave-timeout", "5m").output();
      assertThat(started).containsPattern("rollout [0-9a-f]{12} of production: running")
          .contains("wave 1 (canary): 1 node, 0 succeeded, 0 failed, 1 to report");
      // Frozen at start: an edit of the directory afterwards changes nothing.
      Files.writeString(next.resolve("site.groovy"), site("v3"));

      Rollout r = rollout();
      String canary = waveNode(r, 1);
      assertThat(converge(canary)).isEqualTo("v2\n");
      assertThat(held(canary).getCodeVersion()).isEqualTo(r.getCodeVersion()).isNotEqualTo(v1);
      r = awaitRollout(x -> x.getWavesCount() == 2, "wave 2");
      assertThat(r.getWaves(0).getSucceededList()).containsExactly(canary);
      String second = waveNode(r, 2);

      // A restart of the master: the rollout goes on where it was, with the same waves.
      master.close();
      master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
      Rollout afterRestart = rollout();
      assertThat(afterRestart.getId()).isEqualTo(r.getId());
      assertThat(afterRestart.getWavesList()).isEqualTo(r.getWavesList());
      assertThat(afterRestart.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_RUNNING);
      assertThat(converge(canary)).isEqualTo("v2\n");

      assertThat(converge(second)).isEqualTo("v2\n");
      r = awaitRollout(x -> x.getWavesCount() == 3, "wave 3");
      String third = waveNode(r, 3);
      assertThat(List.of(canary, second, third)).containsExactlyInAnyOrderElementsOf(nodes);
      assertThat(converge(third)).isEqualTo("v2\n");
      awaitRollout(x -> x.getPhase() == RolloutPhase.ROLLOUT_COMPLETED, "completion");

      String status = master.stead("rollout", "status").output();
      assertThat(status).contains("of production: completed")
          .contains("3 of 3 reported on the new code")
          .contains("wave 3: 1 node, 1 succeeded, 0 failed; ended");
      RolloutStatusResponse.Builder json = RolloutStatusResponse.newBuilder();
      JsonFormat.parser().merge(master.stead("rollout", "status", "--json").output(), json);
      assertThat(json.getRollouts(0).getPhase()).isEqualTo(RolloutPhase.ROLLOUT_COMPLETED);
      // The environment now serves the frozen release, to a node never seen before too.
      assertThat(converge("web4.test")).isEqualTo("v2\n");

      // An edit of the environment's own directory afterwards supersedes the frozen copy:
      // every node gets the environment's own code again.
      Files.writeString(code.resolve("site.groovy"), site("v5, edited in place"));
      Rollout superseded = awaitRollout(x -> !x.getSupersededByCodeVersion().isEmpty(),
          "the edit to supersede the rollout");
      assertThat(master.stead("rollout", "status").output()).contains("the completed rollout"
          + " is superseded by the environment's code version "
          + superseded.getSupersededByCodeVersion());
      assertThat(converge("web1.test")).isEqualTo("v5, edited in place\n");
      assertThat(held("web1.test").getCodeVersion())
          .isEqualTo(superseded.getSupersededByCodeVersion());
    } finally {
      master.close();
    }
  }

  @Test
  void aCanaryWhoseNewCodeFailsToCompileHaltsTheRolloutAndAbortPutsItBack()
      throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), site("v1"));
    Path next = Files.createDirectories(tmp.resolve("next"));
    Files.writeString(next.resolve("site.groovy"),
        "node('default') {\n  fail('this code is not ready')\n}\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    try {
      // Nodes assigned the environment count before their first run.
      try (AdminClient admin = master.admin()) {
        for (String node : List.of("web1.test", "web2.test")) {
          admin.classify(node, java.util.Map.of("environment", "production"), List.of());
        }
      }
      master.stead("rollout", "start", "--code", next.toString(), "--canary", "5%",
          "--max-failures", "2%");
      try (AdminClient admin = master.admin()) {
        assertThatThrownBy(() -> new RolloutClient(admin).start(StartRolloutRequest.newBuilder()
            .setEnvironment("production").setCodeDirectory(next.toString())
            .setCanaryPercent(5).setStepPercent(25).build()))
            .hasMessageContaining("has rollout").hasMessageContaining("resume or abort it first");
      }

      String canary = waveNode(rollout(), 1);
      String other = canary.equals("web1.test") ? "web2.test" : "web1.test";
      assertThat(converge(other)).isEqualTo("v1\n");
      // The canary's catalog does not compile: it gets none, and reports the failure.
      Path motd = tmp.resolve("root-" + canary).resolve("etc/motd");
      assertThat(convergeMayFail(canary)).doesNotExist();
      awaitRollout(x -> x.getPhase() == RolloutPhase.ROLLOUT_HALTED, "the halt");

      String status = master.stead("rollout", "status").output();
      assertThat(status).contains("of production: halted")
          .contains("halted    wave 1: 1 of 1 nodes failed (100.0%, more than the 2% allowed): "
              + canary + ": compile failed: site.groovy:2: this code is not ready")
          .contains("    " + canary + ": compile failed: site.groovy:2");
      assertThat(rollout().getWavesCount()).as("a halted rollout does not widen").isEqualTo(1);
      assertThat(Files.readString(tmp.resolve("master.log")))
          .contains("halted: wave 1: 1 of 1 nodes failed");

      assertThat(master.stead("rollout", "abort").output()).contains("of production: aborted");
      assertThat(converge(canary)).isEqualTo("v1\n");
      assertThat(held(canary).getCodeVersion()).isNotEqualTo(rollout().getCodeVersion());
      try (AdminClient admin = master.admin()) {
        assertThatThrownBy(() -> new RolloutClient(admin).pause("production"))
            .hasMessageContaining("has no rollout to pause");
      }
    } finally {
      master.close();
    }
  }
}
