package dev.stead.dsl;

import dev.stead.dsl.internal.CodeBase;
import dev.stead.dsl.internal.CodeLoader;
import dev.stead.dsl.internal.Evaluation;
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

  private final CodeBase code;
  private final Duration timeLimit;

  private Compiler(CodeBase code, Duration timeLimit) {
    this.code = code;
    this.timeLimit = timeLimit;
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
        DEFAULT_TIME_LIMIT);
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
        DEFAULT_TIME_LIMIT);
  }

  /** The same code with another per-compile time limit. */
  public Compiler withTimeLimit(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("time limit must be positive, got " + limit);
    }
    return new Compiler(code, limit);
  }

  /**
   * Git commit of the environment when it is a git checkout (HEAD, uncommitted edits and
   * module path entries not included), else {@code sha256:} over the relative names and
   * contents of the files the compiler reads: site.groovy or the manifest, {@code data/},
   * and each module's {@code manifests/ templates/ files/ data/}. Fixed when loaded.
   */
  public String codeVersion() {
    return code.codeVersion();
  }

  /** The environment name stamped on catalogs (the code directory's or manifest's name). */
  public String environment() {
    return code.environment();
  }

  /**
   * A sealed catalog (see {@code dev.stead.wire.Catalogs#seal}) for {@code node}.
   *
   * @throws CompileException with every error found: evaluation errors, unknown types or
   *     parameters, duplicates, dangling references, cycles, time limit
   */
  public Catalog compile(String node, Facts facts) throws CompileException {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(facts, "facts");
    return new Evaluation(code, node, Values.toJavaMap(facts.getValuesMap()), timeLimit)
        .compile();
  }
}
