package dev.stead.master.code;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;

/**
 * One loaded environment, compiled with the Stead language's {@link Compiler}. When the
 * environment itself fails to load (a syntax error in {@code site.groovy}), every compile
 * reports that failure. Immutable and thread-safe (the Compiler is).
 */
public final class DslCatalogSource implements CatalogSource {
  private final Compiler compiler;
  private final CompileException loadFailure;

  private DslCatalogSource(Compiler compiler, CompileException loadFailure) {
    this.compiler = compiler;
    this.loadFailure = loadFailure;
  }

  /** Loads {@code codeDir} with {@code modulePath}; never throws for bad code. */
  public static DslCatalogSource load(Path codeDir, List<Path> modulePath) {
    try {
      return new DslCatalogSource(Compiler.forEnvironment(codeDir, modulePath), null);
    } catch (CompileException e) {
      return new DslCatalogSource(null, e);
    }
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    if (loadFailure != null) {
      return CompileOutcome.failed(loadFailure.errors());
    }
    try {
      return CompileOutcome.compiled(compiler.compile(node, facts));
    } catch (CompileException e) {
      return CompileOutcome.failed(e.errors());
    }
  }
}
