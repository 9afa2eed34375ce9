package dev.stead.bench;

import dev.stead.dsl.CachingCompiler;
import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.Trusted;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Catalog compiles of the {@link ReferenceCode} through the master's path (a
 * {@link CachingCompiler} over a {@link Compiler}, sandbox on). {@code uncached}: every
 * request comes from one of 64 nodes with an address never seen before, which the templates
 * read, so no request can be served from the cache. {@code cacheHit}: one node asking again
 * with only its uptime changed. Each iteration also prints the process CPU time per catalog.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompileBench {
  @Param({"100", "1000"})
  public int resources;

  private Path dir;
  private CachingCompiler compiler;
  private final AtomicLong serial = new AtomicLong();
  private final AtomicLong catalogs = new AtomicLong();
  private long cpuAtStart;

  @Setup(Level.Trial)
  public void load() throws IOException, CompileException {
    dir = ReferenceCode.write(Files.createTempDirectory("stead-bench"), resources);
    Compiler code = Compiler.forEnvironment(dir, List.of());
    // The first compile runs cold (interpreted Groovy, classes loading): on a busy machine it
    // can outlast the 10 s limit at R=1000, so it gets more time; measured compiles do not.
    Catalog check = code.withTimeLimit(Duration.ofMinutes(2))
        .compile("node00", ReferenceCode.facts(0, 0), Trusted.of("node00"));
    compiler = new CachingCompiler(code);
    if (check.getResourcesCount() != resources) {
      throw new IllegalStateException("reference code gave " + check.getResourcesCount()
          + " resources, expected " + resources);
    }
  }

  @Setup(Level.Iteration)
  public void startCpu() {
    catalogs.set(0);
    cpuAtStart = cpuNanos();
  }

  @TearDown(Level.Iteration)
  public void reportCpu() {
    long n = catalogs.get();
    if (n > 0) {
      System.out.printf("%n[cpu] %.3f ms CPU per catalog (%d catalogs, %d hits, %d misses)%n",
          (cpuNanos() - cpuAtStart) / 1e6 / n, n, compiler.hits(), compiler.misses());
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    FileTrees.delete(dir);
  }

  /** A new node/address combination every time: always compiled. */
  @Benchmark
  public Catalog uncached() throws CompileException {
    long s = serial.incrementAndGet();
    int node = (int) (s % ReferenceCode.NODES);
    String name = ReferenceCode.nodeName(node);
    catalogs.incrementAndGet();
    return compiler.compile(name, ReferenceCode.facts(node, s + 1), Trusted.of(name));
  }

  /** The same node asking again with only its uptime changed: served from the cache. */
  @Benchmark
  public Catalog cacheHit() throws CompileException {
    long s = serial.incrementAndGet();
    Facts facts = ReferenceCode.facts(5, 0).toBuilder()
        .putValues("uptime_seconds", dev.stead.wire.Values.of(s)).build();
    catalogs.incrementAndGet();
    return compiler.compile("node05", facts, Trusted.of("node05"));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
