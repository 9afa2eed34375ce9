package dev.stead.agent.fs;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes temporary files a killed agent left behind. {@link AtomicFiles} deletes its
 * temporary file whenever a write fails, but a process killed between creating it and the
 * rename cannot: {@code .NAME.HEX.stead-tmp} stays beside NAME.
 *
 * <p>A file is removed only when all of these hold: its name has exactly the shape
 * {@link AtomicFiles#isTempName} describes (so {@code notes.stead-tmp} or
 * {@code .conf.stead-tmp} of a user stay), it is a regular file or a symbolic link (never a
 * directory, and links are not followed), and it was last modified before {@code cutoff}.
 * Callers hold the run lock and pass the time their run started: no other run is writing, so
 * a temporary file older than the run belongs to a run that is gone. Nothing here throws for
 * a directory that is missing or unreadable; such directories are skipped. Stateless.
 */
public final class StaleTemps {
  private StaleTemps() {}

  /** Sweeps the entries directly in {@code dir}; returns what was removed. */
  public static List<Path> sweep(Path dir, FileTime cutoff) {
    List<Path> removed = new ArrayList<>();
    sweep(dir, cutoff, 0, removed);
    return removed;
  }

  /**
   * Sweeps {@code dir} and the directories beneath it, {@code depth} levels down at most,
   * without following links to directories; returns what was removed.
   */
  public static List<Path> sweepTree(Path dir, FileTime cutoff, int depth) {
    List<Path> removed = new ArrayList<>();
    sweep(dir, cutoff, depth, removed);
    return removed;
  }

  private static void sweep(Path dir, FileTime cutoff, int depth, List<Path> removed) {
    List<Path> below = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue; // gone meanwhile, or unreadable: not ours to judge
        }
        if (a.isDirectory()) {
          if (depth > 0) {
            below.add(entry);
          }
        } else if ((a.isRegularFile() || a.isSymbolicLink())
            && AtomicFiles.isTempName(entry.getFileName().toString())
            && a.lastModifiedTime().compareTo(cutoff) < 0) {
          try {
            Files.deleteIfExists(entry);
            removed.add(entry);
          } catch (IOException e) {
            // Left for a later run; a sweep never stops one.
          }
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return;
    } catch (IOException | SecurityException e) {
      return;
    }
    for (Path next : below) {
      sweep(next, cutoff, depth - 1, removed);
    }
  }
}
