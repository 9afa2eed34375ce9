package dev.stead.dsl.internal;

import dev.stead.wire.ConfinedFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sha256 of each module file a {@code source} names, kept for one code version: a master
 * compiles every node's catalog (and recompiles when facts change) from the same files, and
 * hashing a large source or a copied tree on every compile would dominate the compile. An
 * entry, kept by the file's real path, is trusted only while the file's size and
 * modification time are those it was hashed with, so a file changed in place is hashed
 * again. Thread-safe.
 */
public final class SourceChecksums {
  private record Entry(long size, FileTime modified, String checksum) {}

  private final Map<Path, Entry> byPath = new ConcurrentHashMap<>();

  /**
   * {@code sha256:<hex>} of {@code file}'s bytes, read from inside {@code module}.
   *
   * @throws ConfinedFiles.OutsideBound when a link takes the file outside the module
   */
  String of(Path module, Path file) throws IOException {
    Path real = ConfinedFiles.resolve(module, file);
    BasicFileAttributes now =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Entry known = byPath.get(real);
    if (known != null && known.size() == now.size()
        && known.modified().equals(now.lastModifiedTime())) {
      return known.checksum();
    }
    String checksum;
    try (InputStream in = ConfinedFiles.newInputStream(module, real)) {
      checksum = SourceFiles.checksum(in);
    }
    byPath.put(real, new Entry(now.size(), now.lastModifiedTime(), checksum));
    return checksum;
  }
}
