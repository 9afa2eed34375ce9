package dev.stead.master.code;

import dev.stead.dsl.CachingCompiler;
import dev.stead.dsl.CodeCache;
import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.DigestMemory;
import dev.stead.dsl.FleetView;
import dev.stead.dsl.Trusted;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One loaded environment, compiled with the Stead language's {@link Compiler} behind a
 * {@link CachingCompiler} (a repeat request whose relevant facts did not change is served
 * without evaluating code) and within {@link CompileSlots} (a bounded number of compiles at
 * once, each holding its slot for a bounded time). When the environment itself fails to load (a syntax error in {@code site.groovy}),
 * every compile reports that failure. Immutable and thread-safe.
 */
public final class DslCatalogSource implements CatalogSource {
  private static final Logger LOG =
      Logger.getLogger(DslCatalogSource.class.getName());

  private final CachingCompiler compiler;
  private final CompileException loadFailure;
  private final CompileSlots slots;
  private final java.util.function.Function<String, FleetView> fleets;

  private DslCatalogSource(CachingCompiler compiler, CompileException loadFailure,
      CompileSlots slots, java.util.function.Function<String, FleetView> fleets) {
    this.compiler = compiler;
    this.loadFailure = loadFailure;
    this.slots = slots;
    this.fleets = fleets;
  }

  /** Loads {@code codeDir} with {@code modulePath}, one compile slot per core; never throws for bad code. */
  public static DslCatalogSource load(Path codeDir, List<Path> modulePath) {
    return load(codeDir, modulePath, CompileSlots.perCore());
  }

  /** As {@link #load(Path, List)}, sharing {@code slots} (kept across reloads of the code). */
  public static DslCatalogSource load(Path codeDir, List<Path> modulePath, CompileSlots slots) {
    return load(codeDir, modulePath, slots, Compiler.DEFAULT_TIME_LIMIT);
  }

  /** As above, with {@code timeLimit} for each compile (shorter than the slots' deadline). */
  public static DslCatalogSource load(Path codeDir, List<Path> modulePath, CompileSlots slots,
      Duration timeLimit) {
    return load(codeDir, null, modulePath, slots, timeLimit);
  }

  /**
   * As above, stamping {@code environment} on the catalogs (null: the code directory's
   * name), one of the master's environments.
   */
  public static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit) {
    return load(codeDir, environment, modulePath, slots, timeLimit, node -> FleetView.NONE);
  }

  /**
   * As above, the compile of a node reading {@code fleets.apply(node)} of the fleet
   * ({@code collect}, {@code fleetFacts}): its environment's view.
   */
  public static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit,
      java.util.function.Function<String, FleetView> fleets) {
    return load(codeDir, environment, modulePath, slots, timeLimit, fleets, CodeCache.NONE);
  }

  /** As above, the compiled classes kept in and defined from {@code codeCache}. */
  public static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit,
      java.util.function.Function<String, FleetView> fleets, CodeCache codeCache) {
    return load(codeDir, environment, modulePath, slots, timeLimit, fleets, codeCache,
        DigestMemory.NONE);
  }

  /**
   * As above, the compile cache leaving each node's compile memo in {@code digestMemory} and
   * asking it for digests it does not know.
   */
  public static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit,
      java.util.function.Function<String, FleetView> fleets, CodeCache codeCache,
      DigestMemory digestMemory) {
    return load(codeDir, environment, modulePath, slots, timeLimit, fleets,
        cacheBytes(Runtime.getRuntime().maxMemory()), codeCache, digestMemory);
  }

  /** As above with a compile cache of {@code cacheBytes}, whatever the heap: for tests. */
  static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit,
      java.util.function.Function<String, FleetView> fleets, long cacheBytes) {
    return load(codeDir, environment, modulePath, slots, timeLimit, fleets, cacheBytes,
        CodeCache.NONE, DigestMemory.NONE);
  }

  private static DslCatalogSource load(Path codeDir, String environment, List<Path> modulePath,
      CompileSlots slots, Duration timeLimit,
      java.util.function.Function<String, FleetView> fleets, long cacheBytes,
      CodeCache codeCache, DigestMemory digestMemory) {
    Objects.requireNonNull(slots, "slots");
    Objects.requireNonNull(fleets, "fleets");
    List<Path> roots = codeRoots(codeDir, modulePath);
    // Memos name the code by its files' contents: a master still loading them names it too.
    Optional<String> before = digestMemory != DigestMemory.NONE && environment != null
        ? MemoIdentity.of(environment, roots) : Optional.empty();
    try {
      Compiler compiler =
          Compiler.forEnvironment(codeDir, modulePath, codeCache).withTimeLimit(timeLimit);
      if (environment != null) {
        compiler = compiler.named(environment);
      }
      if (compiler.scriptsFromCache() > 0) {
        LOG.info("code under " + codeDir + ": " + compiler.scriptsFromCache()
            + " scripts defined from the code cache, not compiled");
      }
      for (CompileError w : compiler.warnings()) {
        LOG.warning(w.getLocation().getFile() + ":" + w.getLocation().getLine() + ": "
            + w.getMessage());
      }
      // Files changed while loading (a deploy): what loaded may not be what was hashed.
      String identity = before.filter(b -> MemoIdentity.of(environment, roots)
          .equals(Optional.of(b))).orElse(null);
      return new DslCatalogSource(new CachingCompiler(compiler, cacheBytes,
          CachingCompiler.DIGEST_ENTRIES, digestMemory, identity), null, slots, fleets);
    } catch (CompileException e) {
      return new DslCatalogSource(null, e, slots, fleets);
    }
  }

  /** The directories a compile of {@code codeDir} reads: it, then the module path. */
  static List<Path> codeRoots(Path codeDir, List<Path> modulePath) {
    List<Path> roots = new java.util.ArrayList<>();
    roots.add(codeDir);
    roots.addAll(modulePath);
    return List.copyOf(roots);
  }

  /** How many of the code's scripts were defined from the code cache (0: none, or no code). */
  public int scriptsFromCache() {
    return compiler == null ? 0 : compiler.compiler().scriptsFromCache();
  }

  @Override
  public java.util.Optional<String> codeVersion() {
    return compiler == null ? java.util.Optional.empty()
        : java.util.Optional.of(compiler.compiler().codeVersion());
  }

  /**
   * The compile cache's bound, in serialized catalog bytes, for a heap of {@code maxHeap}
   * bytes: a fortieth of it, at most {@link CachingCompiler#DEFAULT_MAX_BYTES}. A catalog
   * takes about three times its serialized size on the heap (measured: 1,000 resources, 393 KB
   * serialized, 1.05 MB held), so a full cache holds under a tenth of the heap. Held catalogs
   * are old objects that G1 marks again and again while compiles allocate (at a tenth, the
   * live heap after mixed collections was ~340 MB of 512 under 1,000-resource load, ~200 MB at
   * a fortieth), and they rarely serve: agents take their turns in order, so in a fleet larger
   * than the cache the catalog asked for is the least recently used one, and an agent whose
   * catalog did not change is answered from the digest the catalog leaves behind.
   */
  static long cacheBytes(long maxHeap) {
    return Math.max(1, Math.min(CachingCompiler.DEFAULT_MAX_BYTES, maxHeap / 40));
  }

  /** From the compile cache only: a catalog held, or the digest left by one pushed out. */
  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    return loadFailure == null && !knownDigest.isEmpty()
        && compiler.digest(node, facts, Trusted.of(node), fleets.apply(node))
            .map(knownDigest::equals).orElse(false);
  }

  /**
   * Compiles for {@code node}, which is the name the node's certificate (CN) proves: the RPC
   * layer refuses a request whose node name differs from its certificate's CN, so the name
   * is trusted data here ({@code trusted.certname} in code).
   */
  @Override
  public CompileOutcome compile(String node, Facts facts) {
    if (loadFailure != null) {
      return CompileOutcome.failed(loadFailure.errors());
    }
    return slots.run(() -> {
      try {
        CachingCompiler.Served served = compiler.serve(node, facts, Trusted.of(node),
            fleets.apply(node));
        return served.fromCache() ? CompileOutcome.fromCache(served.catalog())
            : CompileOutcome.compiled(served.catalog());
      } catch (CompileException e) {
        return CompileOutcome.failed(e.errors());
      }
    });
  }
}
