package dev.stead.master.fleet;

import dev.stead.master.storage.StoreMaintenance;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Backups of a master's state and their restore.
 *
 * <p>A backup holds all of the master's state: {@code db/} as a RocksDB checkpoint
 * (consistent, taken while the master serves) and a copy of everything else in the data
 * directory — the CA and admin credentials, the secrets key, operator logins, the
 * dashboard's session key, and whatever state later versions keep there — except the few
 * entries in {@link #NOT_BACKED_UP}. Copying by default, rather than by a list of parts,
 * is what keeps a new kind of state from being forgotten. The directory is created
 * owner-only, since it holds keys; {@code BACKUP} says what and when, for people.
 * Restoring copies it all into a fresh data directory; a master started on it has the same
 * CA and secrets key, so existing agents keep their certificates and their secrets.
 */
public final class Backups {
  private static final Logger LOG = Logger.getLogger(Backups.class.getName());
  public static final String MARKER = "BACKUP";
  private static final String DB = "db";
  /** What every backup has, and a restore refuses to go without. */
  private static final List<String> REQUIRED = List.of(DB, "ca", "admin");
  /**
   * Entries of the data directory that a backup leaves out, each with the reason: they are
   * rewritten at every start, or belong to the running process only.
   */
  public static final Map<String, String> NOT_BACKED_UP = Map.of(
      "master.address", "rewritten at every start with the address the master binds");

  private Backups() {}

  /**
   * Writes a backup of the master whose data directory is {@code dataDir} into
   * {@code target}, which must not exist or be empty. On failure nothing is left behind.
   *
   * @return bytes written
   */
  public static long backup(StoreMaintenance store, Path dataDir, Path target) throws IOException {
    if (!target.isAbsolute()) {
      throw new IllegalArgumentException("the backup directory must be an absolute path: "
          + target);
    }
    requireEmptyOrMissing(target, "the backup directory");
    Path parent = target.getParent();
    Files.createDirectories(parent);
    // Build beside the target and rename at the end: a failed backup leaves nothing.
    Path work = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      store.checkpoint(work.resolve(DB));
      try (Stream<Path> entries = Files.list(dataDir)) {
        for (Path entry : entries.sorted().toList()) {
          String name = entry.getFileName().toString();
          if (!name.equals(DB) && !NOT_BACKED_UP.containsKey(name) && !isTemporary(name)) {
            copyTree(entry, work.resolve(name));
          }
        }
      }
      Files.writeString(work.resolve(MARKER), "stead master backup\ntaken: " + Instant.now()
          + "\nfrom: " + dataDir + "\nrestore: stead master restore " + target
          + " --data NEWDATA\n");
      long bytes = size(work);
      if (Files.exists(target)) {
        Files.delete(target); // empty, checked above
      }
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
      return bytes;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(work);
      throw e;
    }
  }

  /**
   * Copies the backup in {@code backupDir} into {@code newData}, which must not exist or be
   * empty; the result is ready for {@code stead master start --data newData}.
   */
  public static void restore(Path backupDir, Path newData) throws IOException {
    if (!Files.isRegularFile(backupDir.resolve(MARKER))) {
      throw new IOException(backupDir + " is not a stead backup (no " + MARKER + " file)");
    }
    for (String part : REQUIRED) {
      if (!Files.isDirectory(backupDir.resolve(part))) {
        throw new IOException("the backup " + backupDir + " is incomplete: " + part
            + "/ is missing");
      }
    }
    requireEmptyOrMissing(newData, "the data directory");
    Files.createDirectories(newData);
    Files.setPosixFilePermissions(newData, PosixFilePermissions.fromString("rwx------"));
    List<Path> parts;
    try (Stream<Path> entries = Files.list(backupDir)) {
      parts = entries.filter(p -> !p.getFileName().toString().equals(MARKER)).sorted().toList();
    }
    try {
      for (Path part : parts) {
        copyTree(part, newData.resolve(part.getFileName().toString()));
      }
    } catch (IOException | RuntimeException e) {
      for (Path part : parts) {
        deleteQuietly(newData.resolve(part.getFileName().toString()));
      }
      throw e;
    }
  }

  /** A file being written by the master ({@code .NAME…tmp}): the finished one is copied. */
  private static boolean isTemporary(String name) {
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  private static void requireEmptyOrMissing(Path dir, String what) throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(what + " " + dir + " exists and is not a directory");
      }
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(what + " " + dir + " is not empty");
        }
      }
    }
  }

  /** Copies a file, or a directory's tree, keeping POSIX permissions (keys stay 0600). */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile() && !isTemporary(file.getFileName().toString())) {
          Files.copy(file, to.resolve(from.relativize(file).toString()),
              StandardCopyOption.COPY_ATTRIBUTES);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      LOG.warning("cannot clean up " + dir + ": " + e.getMessage());
    }
  }
}
