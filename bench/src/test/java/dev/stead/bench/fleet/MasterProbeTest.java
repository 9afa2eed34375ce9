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

  @Test
  void theCpuOfEachGroupOfThreadsIsToldApart() throws Exception {
    MasterProbe probe = new MasterProbe((int) ProcessHandle.current().pid(), null);
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    MasterProbe.Sample before = probe.sample();
    long start = System.nanoTime();
    java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch sampled = new java.util.concurrent.CountDownLatch(1);
    Thread burner = new Thread(() -> {
      long cpuStart = threads.getCurrentThreadCpuTime();
      double sink = 0;
      while (threads.getCurrentThreadCpuTime() - cpuStart < 400_000_000L) {
        for (int i = 0; i < 100_000; i++) {
          sink += Math.sqrt(i);
        }
      }
      burnt.countDown();
      // Alive until sampled: /proc forgets a thread's time once it has ended.
      try {
        sampled.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (sink < 0) {
        throw new AssertionError();
      }
    }, "probe-burner-17");
    burner.start();
    burnt.await();
    MasterProbe.Sample during = probe.sample();
    sampled.countDown();
    burner.join();
    double seconds = (System.nanoTime() - start) / 1e9;

    java.util.Map<String, Double> cores = MasterProbe.threadCores(before, during, seconds, 3);

    assertThat(during.threadCpuSeconds()).containsKey("probe-burner-#");
    assertThat(cores).containsKey("probe-burner-#");
    assertThat(cores.get("probe-burner-#") * seconds).isGreaterThanOrEqualTo(0.3);
    assertThat(cores).hasSizeLessThanOrEqualTo(3);
    // A group by the start of its name: the burner's 0.4 s, none of another name's.
    assertThat(MasterProbe.groupCpuSeconds(before, during, "probe-burn"))
        .isGreaterThanOrEqualTo(0.3).isLessThanOrEqualTo(during.cpuSeconds()
            - before.cpuSeconds());
    assertThat(MasterProbe.groupCpuSeconds(before, during, "no-such-thread")).isZero();
    // Across a restart (another pid) there is nothing to compare.
    MasterProbe.Sample other = new MasterProbe.Sample(0, 0, 0, 0, 0, during.pid() + 1,
        during.threadCpuSeconds());
    assertThat(MasterProbe.threadCores(before, other, seconds, 3)).isEmpty();
    assertThat(MasterProbe.groupCpuSeconds(before, other, "probe-burn")).isNaN();
  }
}
