package dev.stead.bench.fleet;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issues check-ins at a fixed rate, agent after agent (agent {@code k mod N} for the k-th,
 * so each agent runs once per interval, evenly spread as server-assigned slots would), and
 * prints a JSON line each period: the warm-up's lines say so; the total covers what follows.
 */
final class OpenLoop {
  /** The master's report threads as /proc names them (15 characters of "stead-grpc-report"). */
  private static final String REPORT_THREADS = "stead-grpc-repo";
  private final FleetOptions o;
  private final List<SimAgent> agents;
  private final Stats stats;
  private final MasterProbe probe;
  private final AtomicInteger streamsOpen;
  /**
   * Where this run's fact serials start with {@code --facts churn}: random, so a run does not
   * repeat the facts of the one before, whose catalogs the agents may still hold
   * ({@code --held-file}) and the master remember: repeated facts would be answered
   * {@code unchanged} instead of compiled.
   */
  private final long churnBase = new SecureRandom().nextInt(1 << 24);

  OpenLoop(FleetOptions o, List<SimAgent> agents, Stats stats, MasterProbe probe,
      AtomicInteger streamsOpen) {
    this.o = o;
    this.agents = agents;
    this.stats = stats;
    this.probe = probe;
    this.streamsOpen = streamsOpen;
  }

  void run() throws InterruptedException {
    long start = System.nanoTime();
    long period = TimeUnit.SECONDS.toNanos(o.periodSeconds());
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(o.durationSeconds());
    long periodStartNanos = start;
    MasterProbe.Sample periodStart = probe.sample();
    MasterProbe.Sample measuredStart = periodStart;
    double clientStart = FleetSimulator.clientCpuSeconds();
    double measuredClientStart = clientStart;
    // Where the measured part begins: the end of the last warm-up period, which is later than
    // the warm-up's end when the warm-up is not a whole number of periods.
    long measuredStartNanos = start;
    Stats.Period total = Stats.Period.empty();
    double nanosPerCall = o.ratePerSecond() > 0 ? 1e9 / o.ratePerSecond() : 0;
    long issued = 0;
    while (true) {
      long now = System.nanoTime();
      // The k-th check-in is due at start + k * nanosPerCall: issued once that moment passed.
      long due = nanosPerCall > 0 && now < end
          ? (long) ((now - start) / nanosPerCall) + 1 : issued;
      for (; issued < due; issued++) {
        issue(issued, start + (long) (issued * nanosPerCall));
      }
      boolean last = now >= end;
      if (now - periodStartNanos >= period || last) {
        if (last) {
          drain();
          now = System.nanoTime();
        }
        Stats.Period p = stats.period();
        MasterProbe.Sample s = probe.sample();
        double client = FleetSimulator.clientCpuSeconds();
        // A period that began (with 1 s of slack for the timer) before the warm-up's end is
        // warm-up; the measured part starts with the next one.
        boolean warmup = periodStartNanos + TimeUnit.SECONDS.toNanos(1) < warmupEnd;
        System.out.println(line(warmup ? "warmup" : "run", (now - start) / 1e9,
            (now - periodStartNanos) / 1e9, p, periodStart, s, client - clientStart));
        if (warmup) {
          measuredStart = s;
          measuredClientStart = client;
          measuredStartNanos = now;
        } else {
          total = total.plus(p);
        }
        periodStart = s;
        clientStart = client;
        periodStartNanos = now;
        if (last) {
          System.out.println(line("total", (now - start) / 1e9,
              (now - measuredStartNanos) / 1e9, total, measuredStart, s,
              client - measuredClientStart)
              .add("master_before", Json.sample(measuredStart))
              .add("master_after", Json.sample(s)));
          return;
        }
      }
      Thread.sleep(2);
    }
  }

  private void issue(long k, long dueNanos) {
    int n = (int) (k % agents.size());
    SimAgent agent = agents.get(n);
    if (o.mode().equals("reports")) {
      agent.reportOnly(dueNanos);
    } else {
      long serial = o.churnFacts() ? churnBase + k + 1 : n + 1;
      agent.checkIn(dueNanos, serial, RunReports.pick(o.changedShare(), o.driftShare()));
    }
  }

  /** Gives the check-ins still in flight up to 30 s to end, so the total counts them. */
  private void drain() throws InterruptedException {
    Thread.sleep(Math.min(30_000, Math.max(2_000, (long) (1000 * o.periodSeconds() / 10.0))));
  }

  private Json line(String phase, double t, double seconds, Stats.Period p,
      MasterProbe.Sample from, MasterProbe.Sample to, double clientCpu) {
    double cpu = to.cpuSeconds() - from.cpuSeconds();
    long disk = to.diskBytes() - from.diskBytes();
    Json master = new Json().add("cpu_cores", cpu / seconds)
        .add("rss_mb", to.rssBytes() / 1048576.0).add("fds", to.fds())
        .add("threads", to.threads()).add("disk_mb", to.diskBytes() / 1048576.0)
        .add("disk_bytes_per_report", p.reports() == 0 ? Double.NaN
            : disk / (double) p.reports());
    Json byThread = new Json();
    MasterProbe.threadCores(from, to, seconds, 8).forEach(byThread::add);
    master.add("cpu_cores_by_thread", byThread);
    if (p.catalogs() > 0) {
      master.add("cpu_ms_per_checkin", 1000 * cpu / p.catalogs());
      // A check-in's two calls share its connection: the report threads' CPU (the call, its
      // synced write, the node's summary) counts per report, the rest of the process (TLS,
      // HTTP/2, the catalog call and its compile, the collector, the JIT) per catalog.
      double reportCpu = MasterProbe.groupCpuSeconds(from, to, REPORT_THREADS);
      if (!Double.isNaN(reportCpu)) {
        master.add("cpu_ms_per_catalog", 1000 * (cpu - reportCpu) / p.catalogs());
        if (p.reports() > 0) {
          master.add("cpu_ms_per_report", 1000 * reportCpu / p.reports());
        }
      }
    } else if (p.reports() > 0) {
      master.add("cpu_ms_per_report", 1000 * cpu / p.reports());
    }
    return new Json().add("line", phase).add("t_s", t).add("seconds", seconds)
        .add("mode", o.mode()).add("agents", agents.size())
        .add("target_per_s", o.ratePerSecond())
        .add("catalogs_per_s", p.catalogs() / seconds)
        .add("unchanged_share", p.catalogs() == 0 ? 0.0 : p.unchanged() / (double) p.catalogs())
        .add("reports_per_s", p.reports() / seconds).add("late", p.late())
        .add("catalog_ms", Json.latency(p.catalogLatency()))
        .add("report_ms", Json.latency(p.reportLatency()))
        .add("errors", p.errors()).add("streams_open", streamsOpen.get())
        .add("master", master).add("client_cores", clientCpu / seconds)
        .add("load", new Json.Raw(MasterProbe.loadAverage()));
  }
}
