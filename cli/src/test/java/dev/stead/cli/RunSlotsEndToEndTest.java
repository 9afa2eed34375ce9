package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.daemon.SlotFile;
import dev.stead.master.AdminClient;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RunSlot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run slots through a real master and real agents over mutual TLS on loopback: every catalog
 * answer carries the node's slot, the agent keeps it in its state directory, the enrolled
 * nodes' slots spread evenly over the interval, and a restarted master gives the same ones.
 */
class RunSlotsEndToEndTest {
  private static final int NODES = 8;
  @TempDir Path tmp;

  private MasterConfig config(Path code) {
    return new MasterConfig(tmp.resolve("master"), code, List.of(), "127.0.0.1", 0, "*");
  }

  private static List<String> names() {
    return IntStream.rangeClosed(1, NODES).mapToObj(i -> "node" + i + ".test").toList();
  }

  private Path state(String node) {
    return tmp.resolve(node).resolve("state");
  }

  /** One run of each node; returns the slot each then kept. */
  private Map<String, RunSlot> runAll(Master master) throws Exception {
    Map<String, RunSlot> kept = new HashMap<>();
    for (String node : names()) {
      Path root = tmp.resolve(node).resolve("root");
      Files.createDirectories(root.resolve("etc"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      int code = new AgentRun(new AgentOptions(master.address(), node, state(node), root, false,
          master.caFingerprint(), false, 0)).runOnce(print, print);
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isIn(0, 2);
      kept.put(node, SlotFile.read(state(node)).orElseThrow(
          () -> new AssertionError(node + " kept no run slot after its run")));
    }
    return kept;
  }

  /** The slots the master lists, once it counts every node. */
  private Map<String, RunSlot> listedOnceAllCount(Master master) throws Exception {
    Path data = tmp.resolve("master");
    long deadline = System.nanoTime() + 10_000_000_000L;
    try (AdminClient admin = AdminClient.connect(data, master.address())) {
      while (true) {
        Map<String, RunSlot> listed = new HashMap<>();
        for (NodeInfo node : admin.nodes()) {
          if (node.hasRunSlot() && node.getRunSlot().getNodes() == NODES) {
            listed.put(node.getName(), node.getRunSlot());
          }
        }
        if (listed.size() == NODES || System.nanoTime() > deadline) {
          return listed;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void enrolledNodesGetEvenlySpreadSlotsThatSurviveAMasterRestart() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/motd', content: \"hello\\n\") }\n");
    Map<String, RunSlot> spread;
    try (Master master = Master.builder(config(code)).start()) {
      // Enrolling one after another, each node is told its place among those known so far.
      Map<String, RunSlot> first = runAll(master);
      assertThat(first.get("node1.test").getNodes()).isEqualTo(1);

      // The master counts the newcomers soon, without waiting for its periodic refresh.
      Map<String, RunSlot> listed = listedOnceAllCount(master);
      assertThat(listed).hasSize(NODES);
      spread = runAll(master);
      assertThat(spread).isEqualTo(listed);
    }
    // One node per eighth of the interval: an even spread, no two nodes together.
    assertThat(spread.values().stream().map(RunSlot::getOffsetPpm).sorted().toList())
        .containsExactly(0, 125_000, 250_000, 375_000, 500_000, 625_000, 750_000, 875_000);
    assertThat(spread.values().stream().map(RunSlot::getRank).distinct().count())
        .isEqualTo(NODES);

    // A restarted master reads the same node list and assigns the same slots.
    try (Master master = Master.builder(config(code)).start()) {
      assertThat(runAll(master)).isEqualTo(spread);
      assertThat(listedOnceAllCount(master)).isEqualTo(spread);
    }
  }
}
