package dev.stead.bench;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.Trusted;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a fresh JVM's compiles of the {@link ReferenceCode} speed up as the JIT warms: one
 * thread compiles {@code N} catalogs for the 64 nodes with new facts each time (nothing
 * cached) and prints, for every {@code BUCKET} compiles, the mean wall and process CPU
 * milliseconds a compile. A master just started serves at the first buckets' pace; JMH's
 * {@link CompileBench} measures the warm end. Run it with the master's JVM options to compare
 * options or builds side by side:
 *
 * <pre>java -XX:+UseG1GC -Xmx512m -cp … dev.stead.bench.CompileWarmup 1000 3000 500</pre>
 */
public final class CompileWarmup {
  private CompileWarmup() {}

  public static void main(String[] args) throws IOException, CompileException {
    if (args.length != 3) {
      System.err.println("usage: CompileWarmup RESOURCES COMPILES BUCKET");
      System.exit(2);
    }
    int resources = Integer.parseInt(args[0]);
    int compiles = Integer.parseInt(args[1]);
    int bucket = Integer.parseInt(args[2]);
    Path dir = ReferenceCode.write(Files.createTempDirectory("stead-warmup"), resources);
    try {
      run(dir, resources, compiles, bucket);
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static void run(Path dir, int resources, int compiles, int bucket)
      throws IOException, CompileException {
    long loadStart = System.nanoTime();
    // The first compiles run interpreted: on a busy machine they can outlast the 10 s limit.
    Compiler code = Compiler.forEnvironment(dir, List.of()).withTimeLimit(Duration.ofMinutes(2));
    System.out.printf("resources=%d code loaded in %.0f ms%n", resources,
        (System.nanoTime() - loadStart) / 1e6);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuAt = os.getProcessCpuTime();
    long wall = 0;
    for (int i = 0; i < compiles; i++) {
      int node = i % ReferenceCode.NODES;
      String name = ReferenceCode.nodeName(node);
      long start = System.nanoTime();
      code.compile(name, ReferenceCode.facts(node, i + 1L), Trusted.of(name));
      wall += System.nanoTime() - start;
      if ((i + 1) % bucket == 0) {
        long cpu = os.getProcessCpuTime();
        System.out.printf("compiles=%d wall_ms_per_compile=%.1f cpu_ms_per_compile=%.1f%n",
            i + 1, wall / 1e6 / bucket, (cpu - cpuAt) / 1e6 / bucket);
        cpuAt = cpu;
        wall = 0;
      }
    }
  }
}
