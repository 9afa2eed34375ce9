package dev.stead.modules;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds a one-file environment that uses this repository's modules/ as its module path. */
final class ModuleFixture {
  private ModuleFixture() {}

  /** The modules/ directory: surefire's basedir, else the working directory. */
  static Path modulesDir() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
  }

  static Compiler environment(Path envDir, String site) throws IOException, CompileException {
    Files.writeString(envDir.resolve("site.groovy"), site);
    return Compiler.forEnvironment(envDir, List.of(modulesDir()));
  }

  /** Writes {@code yaml} to {@code data/relative} of the environment. */
  static void data(Path envDir, String relative, String yaml) throws IOException {
    Path p = envDir.resolve("data").resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }
}
