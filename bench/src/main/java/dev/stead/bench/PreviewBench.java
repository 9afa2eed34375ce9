package dev.stead.bench;

import dev.stead.master.AdminClient;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.CompileSlots;
import dev.stead.master.code.DslCatalogSource;
import dev.stead.master.preview.PreviewClient;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.CommonChange;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long {@code stead preview} takes over a fleet: {@code N} simulated nodes of the compile
 * benchmark's reference code ({@link ReferenceCode}, {@code R} resources each) get their facts
 * (each with its own address, so no compile is served from the cache) and the catalog they run
 * now stored through the master's store; then a real master starts on that data and a real
 * admin client previews a change of one data value that alters six files' content on every
 * node, over mutual TLS, reading the whole stream. A plain main: the figure is seconds.
 *
 * <p>Arguments: {@code N [R] [DIR]}; {@code DIR} (default: a temporary directory) gets the
 * master's data and both code versions, and is left for inspection.
 */
public final class PreviewBench {
  private PreviewBench() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int resources = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("stead-preview");
    Path data = dir.resolve("data");
    Path code = ReferenceCode.write(dir.resolve("code"), resources);
    Path next = ReferenceCode.write(dir.resolve("next"), resources);
    Path common = next.resolve("data/common.yaml");
    Files.writeString(common, Files.readString(common).replaceFirst(
        "ref::base::settings: \\{driftfile: /var/lib/ntp/drift, maxpoll: 10",
        "ref::base::settings: {driftfile: /var/lib/ntp/drift, maxpoll: 12"));

    long setup = System.nanoTime();
    store(nodes, data.resolve("db"), code);
    System.out.printf("stored facts and catalogs of %,d nodes (%d resources each) in %.1f s%n",
        nodes, resources, (System.nanoTime() - setup) / 1e9);

    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "")).start();
        AdminClient admin = AdminClient.connect(data, master.address())) {
      AtomicLong bytes = new AtomicLong();
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      PreviewSummary summary = new PreviewClient(admin).preview(PreviewRequest.newBuilder()
          .setCodeDirectory(next.toString()).build(),
          event -> bytes.addAndGet(event.getSerializedSize()));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      System.out.printf("preview of %,d nodes: %.1f s (%,.0f nodes/s), %d change, %d unchanged,"
          + " %d fail; %,d bytes streamed%n", summary.getNodes(), took.toMillis() / 1000.0,
          summary.getNodes() / (took.toMillis() / 1000.0), summary.getChanged(),
          summary.getUnchanged(), summary.getFailed(), bytes.get());
      // On a shared machine the wall time depends on the neighbours; the CPU time does not.
      System.out.printf("CPU time (master and client, one process): %.1f s, %.1f ms per node;"
          + " load average now %.1f%n", cpu, cpu * 1000 / summary.getNodes(),
          os.getSystemLoadAverage());
      for (CommonChange c : summary.getCommonChangesList().subList(0,
          Math.min(3, summary.getCommonChangesCount()))) {
        System.out.printf("  %s: %,d nodes%n", c.getChange(), c.getNodes());
      }
    }
  }

  /** What the fleet's runs would have left: facts, a node record and the served catalog. */
  private static void store(int count, Path db, Path code) throws Exception {
    Files.createDirectories(db.getParent());
    DslCatalogSource source = DslCatalogSource.load(code, List.of(), CompileSlots.perCore());
    try (RocksStore store = RocksStore.open(db)) {
      Nodes nodes = new Nodes(store);
      List<Integer> all = java.util.stream.IntStream.range(0, count).boxed().toList();
      all.parallelStream().forEach(n -> {
        String name = ReferenceCode.nodeName(n);
        Facts facts = ReferenceCode.facts(n, n + 1);
        store.putFacts(name, facts);
        nodes.seen(name);
        CompileOutcome outcome = source.compile(name, facts);
        if (!(outcome instanceof CompileOutcome.Compiled compiled)) {
          throw new IllegalStateException(name + ": " + outcome);
        }
        store.putCatalog(name, compiled.catalog());
      });
    }
  }
}
