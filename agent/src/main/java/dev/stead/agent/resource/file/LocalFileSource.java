package dev.stead.agent.resource.file;

import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads sources from module directories on this machine, as {@code stead apply} compiled
 * them: {@code module/path} is {@code <root>/<module>/files/path} under the first root that
 * has the module, read only from inside the module's real directory (a link swapped in after
 * the compile is refused, as the compiler refuses it). Immutable.
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
    try (InputStream in = Channels.newInputStream(SourceFiles.open(moduleRoots, name))) {
      in.transferTo(out);
    } catch (ConfinedFiles.OutsideBound e) {
      throw new IOException(e.getMessage() + "; not read", e);
    } catch (NoSuchFileException e) {
      throw new IOException("source " + name + " is not in the module directories "
          + moduleRoots, e);
    }
  }
}
