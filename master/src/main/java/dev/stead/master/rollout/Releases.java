package dev.stead.master.rollout;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Frozen copies of code for rollouts, one directory per rollout under the master's
 * {@code DATA/rollouts/}: a rollout serves its copy, so later edits to the directory it was
 * started from change nothing. A copy is made beside its final name and renamed into place
 * whole; a copy whose code does not load is deleted again.
 */
public final class Releases {
  private final Path root;
  private final List<Path> modulePath;

  /** A frozen copy and the code version its catalogs carry. */
  public record Frozen(Path directory, String codeVersion) {}

  public Releases(Path root, List<Path> modulePath) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.modulePath = List.copyOf(modulePath);
  }

  /** The frozen copy of rollout {@code id}. */
  public Path directory(String id) {
    return root.resolve(id);
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
    try {
      String version = Compiler.forEnvironment(release, modulePath).codeVersion();
      return new Frozen(release, version);
    } catch (CompileException e) {
      deleteQuietly(release);
      throw new IllegalArgumentException("the code in " + codeDir + " does not load:\n"
          + e.getMessage(), e);
    }
  }

  /**
   * Deletes the frozen copy of rollout {@code id}.
   *
   * @return whether there was one
   * @throws UncheckedIOException when it cannot be deleted (whole or in part)
   */
  public boolean delete(String id) {
    Path release = directory(id);
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
