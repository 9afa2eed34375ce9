package dev.stead.agent.fs;

import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Content-addressed copies of file content the agent replaced or removed:
 * {@code DIR/<sha256 hex>}, plus an append-only {@code DIR/index.tsv} of
 * {@code time<TAB>path<TAB>sha256:<hex>} lines, so a later restore can find what a path held.
 * Storing the same content twice costs nothing. Not thread-safe across processes for the
 * index (one agent run at a time).
 */
public final class BackupStore {
  private final Path dir;

  public BackupStore(Path dir) {
    this.dir = java.util.Objects.requireNonNull(dir, "dir");
  }

  private BackupStore() {
    this.dir = null;
  }

  /**
   * A store that keeps nothing: for files whose content is secret, whose old plaintext must
   * not linger in the state directory. {@link #keep} returns {@code not kept}.
   */
  public static BackupStore none() {
    return new BackupStore();
  }

  public Path directory() {
    return dir;
  }

  /** Keeps {@code content}, formerly at {@code path}, and returns its {@code sha256:<hex>}. */
  public String keep(String path, byte[] content) throws IOException {
    if (dir == null) {
      return "not kept";
    }
    String hex = Catalogs.sha256Hex(content);
    Files.createDirectories(dir);
    Path copy = dir.resolve(hex);
    if (!Files.exists(copy)) {
      AtomicFiles.writePrivate(copy, content);
    }
    String line = Instant.now() + "\t" + path + "\tsha256:" + hex + "\n";
    Files.writeString(dir.resolve("index.tsv"), line, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return "sha256:" + hex;
  }

  /** The stored copy of {@code sha256:<hex>} (or bare hex); it may not exist. */
  public Path pathOf(String checksum) {
    return dir.resolve(checksum.startsWith("sha256:") ? checksum.substring(7) : checksum);
  }
}
