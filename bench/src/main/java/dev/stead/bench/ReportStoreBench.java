package dev.stead.bench;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Value;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a synced report write costs: {@link RocksStore#addReport} of a typical report (ten
 * changed resources with a diff each, about 4 KB) with the log synced per write, as the master
 * does, against the same writes left in the OS's buffers; from one thread and from several (a
 * master takes submits on several threads, and RocksDB syncs concurrent writes together). A
 * plain main rather than JMH: the figure is a disk's latency, milliseconds per write, where
 * JMH's care about nanoseconds buys nothing.
 *
 * <p>Beside the report writers, one thread writes facts as check-ins do (unsynced, a few
 * hundred bytes for one of 1,000 nodes, back to back): its p99 shows whether the reports'
 * syncs hold up the store's other writes.
 *
 * <p>Arguments: {@code DIR [SECONDS] [THREADS]}. {@code DIR} must be on the disk the master's
 * data directory is on, since the sync cost is that disk's; a fresh database is made in it per
 * measurement and deleted afterwards.
 */
public final class ReportStoreBench {
  private ReportStoreBench() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Report template = typicalReport();
    System.out.printf("report: %d bytes; %s s per measurement after %s s of warm-up%n",
        template.getSerializedSize(), seconds, seconds / 2);
    for (RocksStore.ReportSync sync : RocksStore.ReportSync.values()) {
      for (int t : new int[] {1, threads}) {
        measure(base, sync, t, seconds / 2, template); // warm-up, thrown away
        Result r = measure(base, sync, t, seconds, template);
        System.out.printf("%-12s threads=%-2d %8.0f reports/s  p50 %7.3f ms  p99 %7.3f ms"
            + "  | facts beside: %8.0f/s p99 %7.3f ms%n", sync, t, r.perSecond(), r.p50Ms(),
            r.p99Ms(), r.factsPerSecond(), r.factsP99Ms());
      }
    }
  }

  private record Result(double perSecond, double p50Ms, double p99Ms, double factsPerSecond,
      double factsP99Ms) {}

  private static Result measure(Path base, RocksStore.ReportSync sync, int threads,
      double seconds, Report template) throws Exception {
    Path dir = Files.createTempDirectory(base, "stead-report-bench");
    try (RocksStore store = RocksStore.open(dir, sync)) {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      AtomicLong count = new AtomicLong();
      List<long[]> latencies = new ArrayList<>();
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        long[] mine = new long[2_000_000];
        latencies.add(mine);
        Thread worker = new Thread(() -> {
          int n = 0;
          while (System.nanoTime() < end && n < mine.length) {
            Report report = template.toBuilder().setId(UUID.randomUUID().toString())
                .setStartedAtMs(System.currentTimeMillis()).build();
            long t0 = System.nanoTime();
            store.addReport(report);
            mine[n++] = System.nanoTime() - t0;
          }
          count.addAndGet(n);
          mine[mine.length - 1] = n; // how many slots are used
        });
        workers.add(worker);
      }
      long[] factsLatency = new long[4_000_000];
      int[] factsWritten = {0};
      Facts facts = Facts.newBuilder().putValues("kernelrelease",
          Value.newBuilder().setStringValue("6.1.0-" + "x".repeat(200)).build()).build();
      Thread bystander = new Thread(() -> {
        int n = 0;
        while (System.nanoTime() < end && n < factsLatency.length) {
          long t0 = System.nanoTime();
          store.putFacts("node" + (n % 1000), facts);
          factsLatency[n++] = System.nanoTime() - t0;
        }
        factsWritten[0] = n;
      });
      long start = System.nanoTime();
      workers.forEach(Thread::start);
      bystander.start();
      for (Thread worker : workers) {
        worker.join();
      }
      bystander.join();
      double elapsed = (System.nanoTime() - start) / 1e9;
      long[] all = latencies.stream()
          .flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1])).sorted().toArray();
      long[] factsAll = Arrays.copyOf(factsLatency, factsWritten[0]);
      Arrays.sort(factsAll);
      return new Result(count.get() / elapsed, percentile(all, 0.50), percentile(all, 0.99),
          factsWritten[0] / elapsed, percentile(factsAll, 0.99));
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1,
        Math.floor(q * sorted.length))] / 1e6;
  }

  private static Report typicalReport() {
    Report.Builder report = Report.newBuilder().setNode("web01").setCodeVersion("v1")
        .setCatalogDigest("sha256:" + "ab".repeat(32)).setStatus(RunStatus.CHANGED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(1200).setChanged(10)
            .setSeconds(1.5));
    for (int i = 0; i < 10; i++) {
      report.addResources(ResourceResult.newBuilder().setKey("file[/etc/app/conf" + i + "]")
          .setStatus(ResourceStatus.CHANGED)
          .addEvents(Event.newBuilder().setProperty("content").setStatus(EventStatus.APPLIED)
              .setBefore("sha256:" + "01".repeat(32)).setAfter("sha256:" + "02".repeat(32))
              .setDiff("--- a\n+++ b\n@@ -1,3 +1,3 @@\n-old line " + "x".repeat(120)
                  + "\n+new line " + "y".repeat(120) + "\n")));
    }
    return report.build();
  }
}
