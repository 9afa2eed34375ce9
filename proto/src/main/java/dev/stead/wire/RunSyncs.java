package dev.stead.wire;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * When a run's writes reach the disk. {@link #IMMEDIATE}: as each happens (state files, keys).
 * {@link #deferred()}, a converge: directories whose entries changed (a rename into place, a
 * new directory or link, a removal) and files created where nothing was are synced once each in
 * {@link #syncAll}, which the run calls before it reports, so a report never claims a change
 * that is not on disk.
 *
 * <p>What a crash in the middle of a deferred run can leave: a replaced file's new content is
 * synced before its rename (see {@link AtomicFiles#write}), so the path holds the old or the
 * new version, never a mix; the rename itself may be undone. A file created where there was
 * none may be missing, complete, or empty or short, until the next run writes it again
 * (content is compared byte for byte). Thread-safe.
 */
public final class RunSyncs {
  /** Syncs everything as it is written. */
  public static final RunSyncs IMMEDIATE = new RunSyncs(false);

  // fsync waits for the file system's journal; several in flight share one commit.
  private static final int FLUSH_THREADS = 4;

  private final boolean deferred;
  private final Set<Path> files = new LinkedHashSet<>();
  private final Set<Path> dirs = new LinkedHashSet<>();

  private RunSyncs(boolean deferred) {
    this.deferred = deferred;
  }

  /** Collects until {@link #syncAll}: one sync per directory and per created file per run. */
  public static RunSyncs deferred() {
    return new RunSyncs(true);
  }

  /** Whether the content of a file created where nothing was waits for {@link #syncAll}. */
  public boolean defersCreatedFiles() {
    return deferred;
  }

  /** {@code dir}'s entries changed: synced now, or remembered for {@link #syncAll}. */
  public void changed(Path dir) throws IOException {
    if (!deferred) {
      AtomicFiles.syncDirectory(dir);
      return;
    }
    synchronized (this) {
      dirs.add(dir);
    }
  }

  /** {@code file} was created with content not yet synced: remembered for {@link #syncAll}. */
  void created(Path file) throws IOException {
    if (!deferred) {
      sync(file);
      return;
    }
    synchronized (this) {
      files.add(file);
    }
  }

  /**
   * Syncs every remembered file, then every remembered directory, each once. A path removed
   * since (later in the run) is skipped: its removal was remembered as a change of its
   * directory. Throws the first failure after trying them all.
   */
  public void syncAll() throws IOException {
    List<Path> fileList;
    List<Path> dirList;
    synchronized (this) {
      fileList = new ArrayList<>(files);
      dirList = new ArrayList<>(dirs);
      files.clear();
      dirs.clear();
    }
    if (fileList.isEmpty() && dirList.isEmpty()) {
      return;
    }
    IOException first = syncEach(fileList);
    IOException dirFailure = syncEach(dirList);
    if (first != null || dirFailure != null) {
      throw first != null ? first : dirFailure;
    }
  }

  private static IOException syncEach(List<Path> paths) {
    if (paths.isEmpty()) {
      return null;
    }
    int threads = Math.min(FLUSH_THREADS, paths.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "stead-sync");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<IOException>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int offset = i;
        results.add(pool.submit(() -> {
          IOException failure = null;
          for (int j = offset; j < paths.size(); j += threads) {
            try {
              sync(paths.get(j));
            } catch (NoSuchFileException gone) {
              // removed later in the run
            } catch (IOException e) {
              failure = failure == null ? e : failure;
            }
          }
          return failure;
        }));
      }
      IOException first = null;
      for (Future<IOException> result : results) {
        IOException e = result.get();
        first = first == null ? e : first;
      }
      return first;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new IOException("interrupted while syncing", e);
    } catch (ExecutionException e) {
      return new IOException("sync failed", e.getCause());
    } finally {
      pool.shutdown();
    }
  }

  private static void sync(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
