package dev.stead.agent.resource.file;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the bytes of a {@code file} resource's {@code source} come from: the master (over the
 * agent's mutual-TLS channel) or, for {@code stead apply}, the local module directories. Asked
 * only when the local file's checksum differs, never in noop. The caller verifies the
 * checksum of what it gets. Implementations are thread-safe.
 */
@FunctionalInterface
public interface FileSource {
  /** For runs that have nowhere to fetch from: every fetch fails, saying so. */
  FileSource NONE = (source, checksum, out) -> {
    throw new IOException("this run has no file source (neither a master nor module"
        + " directories) to fetch " + source + " from");
  };

  /**
   * Writes the bytes of {@code source} ({@code module/path}) with {@code checksum}
   * ({@code sha256:<hex>}) to {@code out}, as they arrive: a large file is never held whole.
   *
   * @throws IOException with a message fit for the report when they cannot be had
   */
  void fetch(String source, String checksum, OutputStream out) throws IOException;
}
