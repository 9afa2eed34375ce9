package dev.stead.master.metrics;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.proto.v1.Facts;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a {@link CatalogSource} to measure it: every compile's latency, catalogs served,
 * compile failures (errors in the code) and crashes (exceptions). Thread-safe.
 */
public final class TimedCatalogSource implements CatalogSource {
  private final CatalogSource inner;
  private final Histogram latency =
      new Histogram(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong fromCache = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong crashed = new AtomicLong();
  /** Compile errors per node; only nodes that had one appear, so the series stay few. */
  private final ConcurrentMap<String, AtomicLong> failedByNode =
      new ConcurrentHashMap<>();

  public TimedCatalogSource(CatalogSource inner) {
    this.inner = inner;
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    long start = System.nanoTime();
    try {
      CompileOutcome outcome = inner.compile(node, facts);
      if (outcome instanceof CompileOutcome.Compiled compiled) {
        served.incrementAndGet();
        if (compiled.fromCache()) {
          fromCache.incrementAndGet();
        }
      } else {
        failed.incrementAndGet();
        failedByNode.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
      }
      return outcome;
    } catch (RuntimeException | Error e) {
      crashed.incrementAndGet();
      throw e;
    } finally {
      latency.observe((System.nanoTime() - start) / 1e9);
    }
  }

  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    return inner.unchanged(node, facts, knownDigest);
  }

  /** Counted as a catalog served from the cache. */
  @Override
  public void servedUnchanged(String node) {
    served.incrementAndGet();
    fromCache.incrementAndGet();
    inner.servedUnchanged(node);
  }

  void write(TextFormat out) {
    latency.write(out, "stead_compile_seconds", "Time to compile one node's catalog.");
    out.header("stead_catalogs_served_total", "Catalogs compiled and sent to agents.", "counter");
    out.sample("stead_catalogs_served_total", served.get());
    out.header("stead_catalog_cache_hit_ratio",
        "Share of catalogs served from the compile cache, without evaluating code (0 before "
            + "any).", "gauge");
    long all = served.get();
    out.sample("stead_catalog_cache_hit_ratio", all == 0 ? 0 : (double) fromCache.get() / all);
    out.header("stead_compile_failures_total",
        "Compiles that failed, by reason: error (in the code) or crash (in the master).",
        "counter");
    out.sample("stead_compile_failures_total", "reason", "error", failed.get());
    out.sample("stead_compile_failures_total", "reason", "crash", crashed.get());
    out.header("stead_node_compile_failures_total",
        "Compiles that failed with an error in the code, per node (nodes with none omitted).",
        "counter");
    new TreeMap<>(failedByNode).forEach((node, count) ->
        out.sample("stead_node_compile_failures_total", "node", node, count.get()));
  }
}
