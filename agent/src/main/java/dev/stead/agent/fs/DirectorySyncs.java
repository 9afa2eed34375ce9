package dev.stead.agent.fs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When the directories whose entries a run changed (a rename into place, a new directory or
 * link, a removal) are forced to disk. {@link #IMMEDIATE} syncs each one at once;
 * {@link #deferred()} remembers them and syncs each once in {@link #syncAll}, which a run calls
 * before it reports. File content is always synced before its rename, either way, so a crash
 * before the deferred sync can undo a rename of that run but never leaves a mix of old and new
 * bytes: the path holds the old version (or nothing, if there was none) or the new one.
 * Thread-safe.
 */
public final class DirectorySyncs {
  /** Syncs each changed directory as the change happens (state files, keys, tests). */
  public static final DirectorySyncs IMMEDIATE = new DirectorySyncs(null);

  private final Set<Path> pending;

  private DirectorySyncs(Set<Path> pending) {
    this.pending = pending;
  }

  /** Collects directories until {@link #syncAll}: one sync per directory per run. */
  public static DirectorySyncs deferred() {
    return new DirectorySyncs(new LinkedHashSet<>());
  }

  /** {@code dir}'s entries changed: synced now, or remembered for {@link #syncAll}. */
  public void changed(Path dir) throws IOException {
    if (pending == null) {
      AtomicFiles.syncDirectory(dir);
      return;
    }
    synchronized (pending) {
      pending.add(dir);
    }
  }

  /**
   * Syncs every remembered directory once. A directory removed since (later in the run) is
   * skipped: its removal was remembered as a change of its parent. Throws the first failure
   * after trying them all.
   */
  public void syncAll() throws IOException {
    if (pending == null) {
      return;
    }
    List<Path> dirs;
    synchronized (pending) {
      dirs = new ArrayList<>(pending);
      pending.clear();
    }
    IOException first = null;
    for (Path dir : dirs) {
      try {
        AtomicFiles.syncDirectory(dir);
      } catch (NoSuchFileException gone) {
        // removed later in the run
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
