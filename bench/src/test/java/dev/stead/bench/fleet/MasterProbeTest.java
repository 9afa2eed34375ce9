package dev.stead.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The master seen through /proc, followed across a restart by its pid file. */
class MasterProbeTest {
  @Test
  void aRestartedMasterIsFollowedThroughItsPidFile() throws Exception {
    Path dir = Files.createTempDirectory("probe");
    Path pidFile = dir.resolve("master.pid");
    FleetOptions o = FleetOptions.parse(new String[] {"--master", "h:1", "--identities",
        "ids.tsv", "--master-pid-file", pidFile.toString()});
    assertThat(o.masterPidFile()).isEqualTo(pidFile);
    assertThat(o.knownDigestFile()).isNull();

    // Two processes in turn, as a master and the one started after it.
    Process first = new ProcessBuilder("sleep", "30").start();
    Process second = new ProcessBuilder("sleep", "30").start();
    try {
      Files.writeString(pidFile, first.pid() + "\n");
      MasterProbe probe = new MasterProbe(0, null, o.masterPidFile());
      MasterProbe.Sample a = probe.sample();
      assertThat(a.threads()).isPositive();
      first.destroy();
      first.waitFor();
      // Stopped, not started again: the last reading stands.
      assertThat(probe.sample()).isEqualTo(a);
      Files.writeString(pidFile, second.pid() + "\n");
      MasterProbe.Sample b = probe.sample();
      assertThat(b.threads()).isPositive();
      assertThat(b.cpuSeconds()).isGreaterThanOrEqualTo(a.cpuSeconds());
    } finally {
      first.destroyForcibly();
      second.destroyForcibly();
    }
  }
}
