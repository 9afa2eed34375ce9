package dev.stead.master.rollout;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.master.storage.SharedState;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frozen copies of code for rollouts, one directory per rollout under the master's
 * {@code DATA/rollouts/}: a rollout serves its copy, so later edits to the directory it was
 * started from change nothing. A copy is made beside its final name and renamed into place
 * whole; a copy whose code does not load is deleted again.
 *
 * <p>On a store shared with other masters the copy is also kept in the store ({@link
 * ReleaseArchive}, at most {@link #MAX_SHARED_BYTES}), and a master asked for the copy of a
 * rollout another master started unpacks it from there into its own {@code DATA/rollouts/}.
 */
public final class Releases {
  /** The largest frozen copy, compressed, a shared store takes. */
  static final int MAX_SHARED_BYTES = 64 << 20;
  private static final String SHARED_PREFIX = "rollouts/release/";
  private final Path root;
  private final List<Path> modulePath;
  private final SharedState shared;
  /** Rollouts whose copy is known to be in place here. */
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  /**
   * Rollouts the shared store has no copy of (started by a master that kept it to itself): not
   * asked for again on every request. A copy is stored before its rollout is.
   */
  private final Set<String> unshared = ConcurrentHashMap.newKeySet();

  /** A frozen copy and the code version its catalogs carry. */
  public record Frozen(Path directory, String codeVersion) {}

  /** For a store this master alone uses. */
  public Releases(Path root, List<Path> modulePath) {
    this(root, modulePath, null);
  }

  /** {@code shared}: the state masters of a shared store share; null on an embedded store. */
  public Releases(Path root, List<Path> modulePath, SharedState shared) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.modulePath = List.copyOf(modulePath);
    this.shared = shared;
  }

  /** Where the frozen copy of rollout {@code id} is, or would be, on this master. */
  public Path directory(String id) {
    return root.resolve(id);
  }

  /**
   * The frozen copy of rollout {@code id} on this master, unpacked from the shared store first
   * when another master made it. Where it would be when there is none (its load then fails,
   * naming the directory).
   */
  public Path served(String id) {
    Path release = directory(id);
    if (present.contains(id) || shared == null || unshared.contains(id)) {
      return release;
    }
    synchronized (this) {
      if (Files.isDirectory(release)) {
        present.add(id);
        return release;
      }
      Optional<String> archive = shared.sharedValue(SHARED_PREFIX + id);
      if (archive.isEmpty()) {
        unshared.add(id);
        return release;
      }
      Path partial = root.resolve("." + id + ".partial");
      try {
        FileTrees.delete(partial);
        ReleaseArchive.read(Base64.getDecoder().decode(archive.get()), partial);
        Files.move(partial, release, StandardCopyOption.ATOMIC_MOVE);
        present.add(id);
      } catch (IOException | IllegalArgumentException e) {
        deleteQuietly(partial);
        throw new UncheckedIOException("cannot unpack the frozen copy of rollout " + id
            + " from the shared store into " + release + ": " + e.getMessage(),
            e instanceof IOException io ? io : new IOException(e));
      }
      return release;
    }
  }

  /**
   * Copies {@code codeDir} to the release of rollout {@code id} and loads it once.
   *
   * @throws IllegalArgumentException when {@code codeDir} is not an absolute path to a
   *     directory, or its code does not load (with each error's file:line)
   * @throws UncheckedIOException when the copy fails
   */
  public Frozen freeze(String id, Path codeDir) {
    if (!codeDir.isAbsolute()) {
      throw new IllegalArgumentException("the code directory must be an absolute path on the"
          + " master's machine, got '" + codeDir + "'");
    }
    if (!Files.isDirectory(codeDir)) {
      throw new IllegalArgumentException("no directory " + codeDir + " on the master's machine");
    }
    Path release = directory(id);
    Path partial = root.resolve("." + id + ".partial");
    try {
      Files.createDirectories(root);
      FileTrees.delete(partial);
      copyTree(codeDir, partial);
      Files.move(partial, release, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new UncheckedIOException("cannot copy " + codeDir + " to " + release + ": "
          + e.getMessage(), e);
    }
    String version;
    try {
      version = Compiler.forEnvironment(release, modulePath).codeVersion();
    } catch (CompileException e) {
      deleteQuietly(release);
      throw new IllegalArgumentException("the code in " + codeDir + " does not load:\n"
          + e.getMessage(), e);
    }
    if (shared != null) {
      share(id, codeDir, release);
    }
    present.add(id);
    return new Frozen(release, version);
  }

  /** Puts the copy in the shared store, for the other masters; refuses one too large. */
  private void share(String id, Path codeDir, Path release) {
    byte[] archive;
    try {
      archive = ReleaseArchive.write(release);
    } catch (IOException e) {
      deleteQuietly(release);
      throw new UncheckedIOException("cannot pack " + release + " for the other masters: "
          + e.getMessage(), e);
    }
    if (archive.length > MAX_SHARED_BYTES) {
      deleteQuietly(release);
      throw new IllegalArgumentException("the code in " + codeDir + " takes "
          + archive.length / 1_048_576 + " MB compressed; a rollout on a shared store keeps it"
          + " in the database for every master, at most " + MAX_SHARED_BYTES / 1_048_576
          + " MB");
    }
    shared.putSharedValue(SHARED_PREFIX + id, Base64.getEncoder().encodeToString(archive));
  }

  /**
   * Deletes the frozen copy of rollout {@code id}.
   *
   * @return whether there was one
   * @throws UncheckedIOException when it cannot be deleted (whole or in part)
   */
  public boolean delete(String id) {
    Path release = directory(id);
    present.remove(id);
    if (shared != null) {
      // Every master decides the same from the shared rollouts: no node gets this copy.
      shared.deleteSharedValue(SHARED_PREFIX + id);
    }
    if (!Files.exists(release, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      FileTrees.delete(release);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + release + ": " + e.getMessage(), e);
    }
  }

  /** Regular files and directories; a symbolic link is copied as what it points to. */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, java.util.Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              Files.copy(file, to.resolve(from.relativize(file).toString()),
                  StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException ignored) {
      // Left for the operator; the rollout did not start.
    }
  }
}
