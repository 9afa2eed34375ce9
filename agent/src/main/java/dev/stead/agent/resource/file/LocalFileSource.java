package dev.stead.agent.resource.file;

import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads sources from module directories on this machine, as {@code stead apply} compiled
 * them: {@code module/path} is {@code <root>/<module>/files/path} under the first root that
 * has the module. Immutable.
 */
public final class LocalFileSource implements FileSource {
  private final List<Path> moduleRoots;

  /** @param moduleRoots module directories, searched in order (the compiler's order) */
  public LocalFileSource(List<Path> moduleRoots) {
    this.moduleRoots = moduleRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  @Override
  public void fetch(String source, String checksum, OutputStream out) throws IOException {
    String name;
    try {
      name = SourceFiles.canonical(source);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    Optional<Path> file = SourceFiles.locate(moduleRoots, name);
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      throw new IOException("source " + name + " is not in the module directories "
          + moduleRoots);
    }
    Files.copy(file.get(), out);
  }
}
