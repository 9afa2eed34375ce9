package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place {@code stead apply} touches the language: kept apart so that an apply served
 * from {@link CompiledCatalogCache} never loads a Groovy or dsl class.
 */
final class ManifestCompile {
  /** A catalog, or the compiler's message (file:line per error). */
  record Outcome(Catalog catalog, String errors) {}

  private ManifestCompile() {}

  static Outcome compile(Path manifest, List<Path> modulePath, String node, Path factsFile)
      throws IOException {
    try {
      return new Outcome(Compiler.forManifest(manifest, modulePath)
          .compile(node, FactsFile.load(factsFile, node)), null);
    } catch (CompileException e) {
      return new Outcome(null, e.getMessage());
    }
  }
}
