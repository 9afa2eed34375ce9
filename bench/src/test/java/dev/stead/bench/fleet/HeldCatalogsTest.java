package dev.stead.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldCatalogsTest {
  @TempDir Path dir;

  @Test
  void whatAnAgentHoldsSurvivesARestartOfTheSimulator() throws Exception {
    SimAgent holding = new SimAgent(null, new AgentIdentity("node-1", null, null), 0);
    holding.hold(new HeldCatalogs.Held("sha256:ab", "v1", 100,
        List.of("file[/etc/a]", "package[ntp]")));
    SimAgent empty = new SimAgent(null, new AgentIdentity("node-2", null, null), 1);
    Path file = dir.resolve("held.tsv");

    HeldCatalogs.write(file, Map.of(), List.of(holding, empty));
    Map<String, HeldCatalogs.Held> read = HeldCatalogs.read(file);

    assertThat(read).containsOnlyKeys("node-1");
    assertThat(read.get("node-1")).isEqualTo(new HeldCatalogs.Held("sha256:ab", "v1", 100,
        List.of("file[/etc/a]", "package[ntp]")));
    assertThat(dir.resolve("held.tsv.tmp")).doesNotExist();
  }

  @Test
  void aSmallerRunKeepsWhatTheRestOfTheFleetHeld() throws Exception {
    Path file = dir.resolve("held.tsv");
    HeldCatalogs.Held old = new HeldCatalogs.Held("sha256:00", "v0", 10, List.of());
    SimAgent first = new SimAgent(null, new AgentIdentity("node-1", null, null), 0);
    first.hold(new HeldCatalogs.Held("sha256:ab", "v1", 100, List.of("file[/etc/a]")));
    SimAgent dropped = new SimAgent(null, new AgentIdentity("node-2", null, null), 1);

    HeldCatalogs.write(file, Map.of("node-1", old, "node-2", old, "node-99", old),
        List.of(first, dropped));

    Map<String, HeldCatalogs.Held> read = HeldCatalogs.read(file);
    assertThat(read).containsOnlyKeys("node-1", "node-99");
    assertThat(read.get("node-1").digest()).isEqualTo("sha256:ab");
    assertThat(read.get("node-99")).isEqualTo(old);
  }

  @Test
  void noFileMeansEveryAgentHoldsNothing() throws Exception {
    assertThat(HeldCatalogs.read(dir.resolve("missing.tsv"))).isEmpty();
  }

  @Test
  void aBrokenLineIsNamedWithItsNumber() throws Exception {
    Path file = dir.resolve("held.tsv");
    Files.writeString(file, "node-1\tsha256:ab\tv1\t3\nnode-2\tsha256:cd\tv1\tmany\n");
    assertThatThrownBy(() -> HeldCatalogs.read(file))
        .hasMessage(file + ":2: resource count 'many' is not a whole number");
  }
}
