package dev.stead.agent.resource.file;

import dev.stead.agent.fs.BackupStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes a directory tree the file type replaces ({@code force}) or purges, keeping every
 * regular file in it in the backups first (under its managed name, with its mode), so
 * `stead agent restore` can bring any of them back. Links are removed, never followed
 * (walkFileTree does not follow them by default). Stateless.
 */
final class TreeRemoval {
  private TreeRemoval() {}

  /** Removes {@code dir}, whose managed name is {@code name}, backing up its files. */
  static void remove(Path dir, String name, BackupStore backups) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          backups.keep(name + "/" + dir.relativize(file), file,
              Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        }
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
