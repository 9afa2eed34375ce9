package dev.stead.dsl;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiles Stead code into catalogs. Parses the code once; {@link #compile} evaluates it per
 * node. Thread-safe: one instance serves concurrent compiles.
 */
public final class Compiler {
  private Compiler() {}

  /**
   * Loads an environment: {@code codeDir/site.groovy} (node blocks), {@code codeDir/modules/}
   * and the {@code modulePath} entries (each a directory of modules).
   */
  public static Compiler forEnvironment(Path codeDir, List<Path> modulePath)
      throws CompileException {
    throw new UnsupportedOperationException("skeleton: implemented by the dsl work");
  }

  /** Loads one masterless manifest: resources at top level, node blocks optional. */
  public static Compiler forManifest(Path manifest, List<Path> modulePath)
      throws CompileException {
    throw new UnsupportedOperationException("skeleton: implemented by the dsl work");
  }

  /** Git commit of the code, else {@code sha256:} over its files. */
  public String codeVersion() {
    throw new UnsupportedOperationException("skeleton");
  }

  /** A sealed catalog (see {@code dev.stead.wire.Catalogs#seal}) for {@code node}. */
  public Catalog compile(String node, Facts facts) throws CompileException {
    throw new UnsupportedOperationException("skeleton");
  }
}
