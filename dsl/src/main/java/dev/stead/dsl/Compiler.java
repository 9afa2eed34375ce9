package dev.stead.dsl;

import dev.stead.dsl.internal.CodeBase;
import dev.stead.dsl.internal.CodeLoader;
import dev.stead.dsl.internal.DataHierarchy;
import dev.stead.dsl.internal.Evaluation;
import dev.stead.dsl.internal.FactReads;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Compiles Stead code into catalogs. Parses and compiles the Groovy code once, when the
 * Compiler is created (so syntax errors and sandbox refusals surface there, all at once);
 * {@link #compile} then evaluates it per node. Thread-safe: one instance serves concurrent
 * compiles, each on its caller's thread, each bounded by the time limit.
 *
 * <p>Catalogs are deterministic: the same code and facts give a byte-identical catalog
 * whatever the order of the facts.
 */
public final class Compiler {
  /** The time one compile may take before it is stopped. */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);

  /** The most resources one catalog may hold before the compile fails. */
  public static final int DEFAULT_MAX_RESOURCES = 50_000;

  /**
   * The bytes one compile may allocate before it is stopped: a quarter of the heap, at most
   * 1 GiB (an R=1,000 reference catalog allocates ~12 MB). It bounds runaway code that stays
   * under every per-value size bound yet would fill the master's heap.
   */
  public static final long DEFAULT_MEMORY_LIMIT =
      Math.min(1L << 30, Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4));

  private final CodeBase code;
  private final Duration timeLimit;
  private final int maxResources;
  private final long memoryLimit;

  private Compiler(CodeBase code, Duration timeLimit, int maxResources) {
    this(code, timeLimit, maxResources, DEFAULT_MEMORY_LIMIT);
  }

  private Compiler(CodeBase code, Duration timeLimit, int maxResources, long memoryLimit) {
    this.code = code;
    this.timeLimit = timeLimit;
    this.maxResources = maxResources;
    this.memoryLimit = memoryLimit;
  }

  /** The same code with another bound on the bytes one compile may allocate. */
  public Compiler withMemoryLimit(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("memory limit must be positive, got " + bytes);
    }
    return new Compiler(code, timeLimit, maxResources, bytes);
  }

  /**
   * Loads an environment: {@code codeDir/site.groovy} (node blocks), {@code codeDir/modules/}
   * and the {@code modulePath} entries (each a directory of modules; the first module of a
   * name wins, the environment's own modules first).
   *
   * @throws CompileException with every syntax error and sandbox refusal found in any file
   */
  public static Compiler forEnvironment(Path codeDir, List<Path> modulePath)
      throws CompileException {
    return new Compiler(CodeLoader.environment(codeDir, List.copyOf(modulePath)),
        DEFAULT_TIME_LIMIT, DEFAULT_MAX_RESOURCES);
  }

  /**
   * As {@link #forEnvironment(Path, List)}, keeping the compiled classes in {@code cache} and
   * defining them from there when neither the code nor the compiler changed since: a
   * restarted master's load skips parsing and compiling. Behaves as a fresh compile in every
   * way (catalogs, errors and their file:line).
   */
  public static Compiler forEnvironment(Path codeDir, List<Path> modulePath, CodeCache cache)
      throws CompileException {
    return new Compiler(CodeLoader.environment(codeDir, List.copyOf(modulePath), cache.dir()),
        DEFAULT_TIME_LIMIT, DEFAULT_MAX_RESOURCES);
  }

  /** How many of the code's scripts were defined from the {@link CodeCache}, not compiled. */
  public int scriptsFromCache() {
    return code.scriptsFromCache();
  }

  /**
   * How many templates (ERB syntax) were defined from the {@link CodeCache} so far, not
   * compiled: templates are read when first rendered.
   */
  public int templatesFromCache() {
    return code.templates().fromCache();
  }

  /**
   * Loads one masterless manifest: resources at top level, node blocks optional (a node
   * that matches none gets only the top-level resources), modules from {@code modulePath}.
   *
   * @throws CompileException with every syntax error and sandbox refusal found in any file
   */
  public static Compiler forManifest(Path manifest, List<Path> modulePath)
      throws CompileException {
    return new Compiler(CodeLoader.manifest(manifest, List.copyOf(modulePath)),
        DEFAULT_TIME_LIMIT, DEFAULT_MAX_RESOURCES);
  }

  /** The same code with another per-compile time limit. */
  public Compiler withTimeLimit(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("time limit must be positive, got " + limit);
    }
    return new Compiler(code, limit, maxResources, memoryLimit);
  }

  /** The same code with another bound on the resources of one catalog. */
  public Compiler withMaxResources(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max resources must be at least 1, got " + max);
    }
    return new Compiler(code, timeLimit, max, memoryLimit);
  }

  /**
   * Git commit of the environment when it is a git checkout (HEAD, uncommitted edits and
   * module path entries not included), else {@code sha256:} over the relative names and
   * contents of the files the compiler reads: site.groovy or the manifest, {@code data/},
   * and each module's {@code manifests/ functions/ templates/ files/ data/}. Fixed when loaded.
   */
  public String codeVersion() {
    return code.codeVersion();
  }

  /**
   * What loading found that still works but should change, each with file:line (today: a
   * hierarchy path written with the deprecated {@code ${...}}). Fixed when loaded.
   */
  public List<dev.stead.proto.v1.CompileError> warnings() {
    return code.data().warnings();
  }

  /**
   * The environment name stamped on catalogs: the code directory's or manifest's name, or
   * the one given to {@link #named}.
   */
  public String environment() {
    return code.environment();
  }

  /**
   * The same code stamping {@code environment} on its catalogs instead of its directory's
   * name: a master serves a single-layout code directory as {@code production}, and a
   * deployed environment from a release directory whose name is not the environment's.
   */
  public Compiler named(String environment) {
    Objects.requireNonNull(environment, "environment");
    CodeBase c = code;
    return new Compiler(new CodeBase(environment, c.main(), c.nodeRequired(), c.modules(),
        c.scriptFiles(), c.scriptModules(), c.templates(), c.codeVersion(), c.data(),
        c.sourceChecksums(), c.scriptsFromCache()), timeLimit, maxResources, memoryLimit);
  }

  /**
   * A sealed catalog (see {@code dev.stead.wire.Catalogs#seal}) for {@code node}.
   *
   * @throws CompileException with every error found: evaluation errors, unknown types or
   *     parameters, duplicates, dangling references, cycles, time limit
   */
  public Catalog compile(String node, Facts facts) throws CompileException {
    Objects.requireNonNull(node, "node");
    return compile(node, facts, Trusted.of(node));
  }

  /**
   * As {@link #compile(String, Facts)}, with the node's trusted data from its certificate
   * ({@code trusted.certname} in code). The master passes the certificate's CN here.
   */
  public Catalog compile(String node, Facts facts, Trusted trusted) throws CompileException {
    return compile(node, facts, trusted, FleetView.NONE);
  }

  /**
   * As {@link #compile(String, Facts, Trusted)}, with what {@code collect} and
   * {@code fleetFacts} read of the other nodes of the environment.
   */
  public Catalog compile(String node, Facts facts, Trusted trusted, FleetView fleet)
      throws CompileException {
    Objects.requireNonNull(facts, "facts");
    return compileRecorded(node, Values.toJavaMap(facts.getValuesMap()), trusted, fleet)
        .catalog();
  }

  /**
   * A catalog and what its compile read: the fact paths ({@link FactReads#paths}), the types
   * it collected and whether it read the fleet's facts.
   */
  record Recorded(Catalog catalog, java.util.Map<List<String>, Boolean> factPaths,
      List<String> collectedTypes, boolean fleetFactsRead) {}

  /** Compiles with facts already converted to Java values, recording what was read. */
  Recorded compileRecorded(String node, java.util.Map<String, Object> facts, Trusted trusted,
      FleetView fleet) throws CompileException {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(fleet, "fleet");
    FactReads reads = new FactReads();
    Evaluation evaluation = new Evaluation(code, node, reads.view(facts), trusted.asMap(),
        timeLimit, maxResources).memoryLimit(memoryLimit).fleet(fleet);
    Catalog catalog = evaluation.compile();
    return new Recorded(catalog, reads.paths(), evaluation.collectedTypes(),
        evaluation.fleetFactsRead());
  }

  /**
   * Everything wrong with an environment, for {@code stead validate}: the load errors of every
   * file, or when it loads, every data value a class parameter would refuse (each data file,
   * whichever nodes read it, at the key's line), then the errors of compiling each node block
   * (chosen by its label, whatever the node name) with no facts, each message prefixed with
   * the block. Code that needs facts to compile reports that as an error here too. Empty
   * when all is well.
   */
  public static List<dev.stead.proto.v1.CompileError> validate(Path codeDir,
      List<Path> modulePath) {
    return validate(codeDir, modulePath, warning -> { });
  }

  /** As {@link #validate(Path, List)}, giving the load's {@link #warnings} to {@code onWarning}. */
  public static List<dev.stead.proto.v1.CompileError> validate(Path codeDir,
      List<Path> modulePath,
      java.util.function.Consumer<dev.stead.proto.v1.CompileError> onWarning) {
    Compiler compiler;
    try {
      compiler = forEnvironment(codeDir, modulePath);
    } catch (CompileException e) {
      return e.errors();
    }
    compiler.warnings().forEach(onWarning);
    java.util.Map<String, Object> noFacts = java.util.Map.of();
    List<String> labels;
    try {
      labels = new Evaluation(compiler.code, "validate", noFacts, compiler.timeLimit)
          .nodeBlockLabels();
    } catch (CompileException e) {
      return e.errors();
    }
    java.util.Set<dev.stead.proto.v1.CompileError> errors = new java.util.LinkedHashSet<>(
        dev.stead.dsl.internal.DataTypes.check(compiler.code, compiler.timeLimit));
    for (String label : labels) {
      String node = label.startsWith("/") ? "validate" : label;
      try {
        new Evaluation(compiler.code, node, noFacts, Trusted.of(node).asMap(),
            compiler.timeLimit, compiler.maxResources).memoryLimit(compiler.memoryLimit)
            .forceNodeBlock(label).compile();
      } catch (CompileException e) {
        for (dev.stead.proto.v1.CompileError error : e.errors()) {
          errors.add(error.toBuilder().setMessage("node " + label + " (no facts): "
              + error.getMessage()).build());
        }
      }
    }
    return List.copyOf(errors);
  }

  /**
   * Looks {@code key} up in the data hierarchy for a node, without running any code, and
   * says which level and file each value came from ({@code stead lookup}). {@code strategy}
   * null: the key's {@code lookup_options} decide, else {@code first}.
   *
   * @throws CompileException when the values found cannot be merged as asked
   */
  public LookupExplanation explainLookup(String key, MergeStrategy strategy, String node,
      Facts facts, Trusted trusted) throws CompileException {
    Objects.requireNonNull(key, "key");
    try {
      return code.data().lookup(key, strategy, new DataHierarchy.Scope(node,
          Values.toJavaMap(facts.getValuesMap()), trusted.asMap()));
    } catch (DataHierarchy.MergeProblem e) {
      dev.stead.proto.v1.SourceLocation where = e.file() == null
          ? dev.stead.proto.v1.SourceLocation.newBuilder().setFile(DataHierarchy.CONFIG).build()
          : dev.stead.proto.v1.SourceLocation.newBuilder().setFile(e.file()).setLine(e.line())
              .build();
      throw new CompileException(List.of(dev.stead.proto.v1.CompileError.newBuilder()
          .setLocation(where).setMessage(e.file() == null ? e.getMessage() : e.problem())
          .build()));
    }
  }
}
