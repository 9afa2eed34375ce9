package dev.stead.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The master process seen from outside, through /proc: CPU time, resident memory, open file
 * descriptors and threads; and the size of its data directory. A pid of 0 or a missing data
 * directory reads as zeros (a master on another machine). Given a pid file, it follows a
 * master that is restarted: the CPU time of each process adds to the one before, and while
 * none runs the last reading stands.
 */
final class MasterProbe {
  /** USER_HZ: /proc counts CPU time in these ticks on every Linux we run on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final int pid;
  private final Path data;
  private final Path pidFile;
  private int lastPid;
  private double lastCpu;
  /** CPU seconds of the processes before the one running now. */
  private double cpuBefore;
  private Sample last;

  MasterProbe(int pid, Path data) {
    this(pid, data, null);
  }

  /** As above, the master's pid read from {@code pidFile} (when given) at every sample. */
  MasterProbe(int pid, Path data, Path pidFile) {
    this.pid = pid;
    this.data = data;
    this.pidFile = pidFile;
  }

  private int currentPid() {
    if (pidFile == null) {
      return pid;
    }
    try {
      return Integer.parseInt(Files.readString(pidFile).strip());
    } catch (IOException | NumberFormatException e) {
      return lastPid != 0 ? lastPid : pid;
    }
  }

  /**
   * One reading of the master, at one moment. {@code threadCpuSeconds}: the CPU time of the
   * process's threads by name, digits replaced by {@code #} (so "stead-compile-#" sums the
   * compile threads): the part of the CPU a JFR profile does not see (RocksDB's native
   * threads, the collector, the JIT) shows here.
   */
  record Sample(double cpuSeconds, long rssBytes, int fds, int threads, long diskBytes,
      long pid, Map<String, Double> threadCpuSeconds) {}

  synchronized Sample sample() {
    int pid = currentPid();
    if (pid == 0) {
      return new Sample(0, 0, 0, 0, diskBytes(), 0, Map.of());
    }
    Path proc = Path.of("/proc", String.valueOf(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // Fields after the command name (which may hold spaces) start at its closing ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
      long rss = 0;
      int threads = 0;
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("\\D", ""));
        }
      }
      int fds;
      try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
        fds = (int) s.count();
      }
      if (lastPid != 0 && pid != lastPid) {
        cpuBefore += lastCpu; // a restarted master
      }
      lastPid = pid;
      lastCpu = cpu;
      last = new Sample(cpuBefore + cpu, rss, fds, threads, diskBytes(), pid,
          threadCpuSeconds(proc));
      return last;
    } catch (IOException e) {
      if (pidFile != null && last != null) {
        return last; // stopped, not started again yet
      }
      throw new UncheckedIOException("cannot read the master process " + pid + " in /proc", e);
    }
  }

  /** CPU seconds of each group of the process's threads (see {@link Sample}). */
  static Map<String, Double> threadCpuSeconds(Path proc) {
    Map<String, Double> groups = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      tasks.forEach(task -> {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
          groups.merge(name.replaceAll("\\d+", "#"), cpu, Double::sum);
        } catch (IOException | RuntimeException e) {
          // a thread that ended while it was read: its time is gone with it
        }
      });
    } catch (IOException e) {
      return Map.of();
    }
    return Map.copyOf(groups);
  }

  /**
   * The CPU cores each thread group used between two samples of the same process, the
   * {@code top} largest first; empty across a restart.
   */
  static Map<String, Double> threadCores(Sample from, Sample to, double seconds, int top) {
    if (from.pid() == 0 || from.pid() != to.pid() || seconds <= 0) {
      return Map.of();
    }
    Map<String, Double> cores = new java.util.LinkedHashMap<>();
    to.threadCpuSeconds().entrySet().stream()
        .map(e -> Map.entry(e.getKey(),
            (e.getValue() - from.threadCpuSeconds().getOrDefault(e.getKey(), 0.0)) / seconds))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> cores.put(e.getKey(), e.getValue()));
    return cores;
  }

  /**
   * CPU seconds the thread groups whose names start with {@code prefix} used between two
   * samples of the same process; NaN across a restart.
   */
  static double groupCpuSeconds(Sample from, Sample to, String prefix) {
    if (from.pid() == 0 || from.pid() != to.pid()) {
      return Double.NaN;
    }
    return to.threadCpuSeconds().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToDouble(e -> e.getValue() - from.threadCpuSeconds().getOrDefault(e.getKey(), 0.0))
        .sum();
  }

  /** Bytes of the files under the data directory (what `du --apparent-size` counts). */
  private long diskBytes() {
    if (data == null || !Files.isDirectory(data)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // deleted meanwhile (a compaction): not on disk any more
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  /** The 1, 5 and 15 minute load averages of this machine. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "[" + f[0] + "," + f[1] + "," + f[2] + "]";
    } catch (IOException e) {
      return "[]";
    }
  }
}
