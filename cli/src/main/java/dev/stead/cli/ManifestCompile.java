package dev.stead.cli;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place {@code stead apply} touches the language: kept apart so that an apply served
 * from {@link CompiledCatalogCache} never loads a Groovy or dsl class.
 */
final class ManifestCompile {
  /** A catalog, or the compiler's message (file:line per error); and the load's warnings. */
  record Outcome(Catalog catalog, String errors, List<String> warnings) {}

  /** The environment stamped on masterless catalogs. */
  static final String PRODUCTION = "production";

  private ManifestCompile() {}

  /** {@code machine}: this machine's facts, used when there is no {@code factsFile}. */
  static Outcome compile(Path manifest, List<Path> modulePath, String node, Path factsFile,
      Facts machine) throws IOException {
    Compiler compiler;
    try {
      // A masterless run is in production, as a master serves single-layout code (and as
      // `puppet apply` does): the same environment compiles to the same catalog both ways.
      compiler = Compiler.forManifest(manifest, modulePath).named(PRODUCTION);
    } catch (CompileException e) {
      return new Outcome(null, e.getMessage(), List.of());
    }
    List<String> warnings = compiler.warnings().stream().map(CompileWarnings::format).toList();
    try {
      Facts facts = factsFile != null || machine == null ? FactsFile.load(factsFile, node)
          : machine;
      return new Outcome(compiler.compile(node, facts), null, warnings);
    } catch (CompileException e) {
      return new Outcome(null, e.getMessage(), warnings);
    }
  }
}
