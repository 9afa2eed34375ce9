package dev.stead.agent.resource.file;

import dev.stead.agent.fs.BackupStore;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Removes a directory tree the file type replaces ({@code force}) or purges, keeping every
 * regular file in it in the backups first (under its managed name, with its mode), so
 * `stead agent restore` can bring any of them back. Links are removed, never followed
 * ({@link FileTrees} does not follow them). Stateless.
 */
final class TreeRemoval {
  private TreeRemoval() {}

  /** Removes {@code dir}, whose managed name is {@code name}, backing up its files. */
  static void remove(Path dir, String name, BackupStore backups) throws IOException {
    FileTrees.delete(dir, (file, attrs) -> {
      if (attrs.isRegularFile()) {
        backups.keep(name + "/" + dir.relativize(file), file,
            Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      }
    });
  }
}
