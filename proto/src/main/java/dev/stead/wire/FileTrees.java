package dev.stead.wire;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes directory trees. A symbolic link inside the tree, or the root itself when it is one,
 * is removed as a link and never followed, so a link to a directory elsewhere cannot make a
 * clean-up delete what it points to. Stateless.
 */
public final class FileTrees {
  private FileTrees() {}

  /** What is done with each file (or link) just before it is removed. */
  @FunctionalInterface
  public interface BeforeRemoval {
    void accept(Path file, BasicFileAttributes attrs) throws IOException;
  }

  /** Removes {@code root} and everything under it, deepest first; nothing to do if absent. */
  public static void delete(Path root) throws IOException {
    delete(root, (file, attrs) -> { });
  }

  /**
   * As {@link #delete(Path)}, handing each file and link to {@code before} first (to keep a
   * copy, say); when it throws, the walk stops and what is left stays.
   */
  public static void delete(Path root, BeforeRemoval before) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        before.accept(file, attrs);
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
