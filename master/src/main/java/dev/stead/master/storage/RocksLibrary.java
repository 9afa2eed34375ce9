package dev.stead.master.storage;

import dev.stead.master.ca.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * RocksDB's native library, loaded from a copy kept in the master's data directory. By
 * itself RocksDB inflates the library (15 MB) out of its jar into a new temporary file at
 * every start, on the way to the master's first catalog; the copy is made once per
 * RocksDB version (named by the jar entry's CRC and size), written aside and renamed, in
 * the owner-only data directory. Anything amiss falls back to RocksDB's own loading.
 */
final class RocksLibrary {
  private static boolean tried;

  private RocksLibrary() {}

  /** Loads the library from {@code dir} (copying it there first if need be), once. */
  static synchronized void loadFrom(Path dir) {
    if (tried) {
      return;
    }
    tried = true;
    try {
      Path copy = copyIn(dir);
      if (copy != null) {
        RocksDB.loadLibrary(List.of(copy.getParent().toString()));
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      // RocksDB loads it its own way at the store's opening.
    }
  }

  /**
   * The library's copy in {@code dir}, made if missing; null when the library is not in a
   * jar (nothing to copy).
   */
  static Path copyIn(Path dir) throws IOException {
    URL url = RocksDB.class.getClassLoader()
        .getResource(Environment.getJniLibraryFileName("rocksdb"));
    if (url == null || !"jar".equals(url.getProtocol())) {
      return null;
    }
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false);
    JarEntry entry = ((JarURLConnection) connection).getJarEntry();
    Path version = dir.resolve(Long.toHexString(entry.getCrc()) + "-" + entry.getSize());
    // The name RocksDB.loadLibrary(paths) looks for in each path.
    Path copy = version.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
    if (Files.isRegularFile(copy) && Files.size(copy) == entry.getSize()) {
      connection.getInputStream().close();
      return copy;
    }
    PrivateFiles.ownerOnlyDirectory(dir);
    Files.createDirectories(version);
    Path tmp = Files.createTempFile(version, ".lib", ".tmp");
    try {
      try (InputStream in = connection.getInputStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    removeOthers(dir, version);
    return copy;
  }

  /** Copies of other RocksDB versions (an upgrade leaves the old one behind). */
  private static void removeOthers(Path dir, Path keep) throws IOException {
    try (Stream<Path> versions = Files.list(dir)) {
      for (Path old : versions.filter(p -> !p.equals(keep) && Files.isDirectory(p)).toList()) {
        try (Stream<Path> files = Files.list(old)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(old);
      }
    }
  }
}
