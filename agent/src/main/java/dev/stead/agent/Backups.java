package dev.stead.agent;

import dev.stead.agent.fs.BackupRestore;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.secrets.SecretPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The backups the agent keeps of file content it replaced or removed, as {@code stead agent
 * restore} lists and restores them. A restore holds the {@link RunLock}, so no run rewrites
 * the file at the same moment, and never copies aside content the cached catalog marks as
 * secret. I/O failures are rethrown with a one-line message fit for a person. Stateless
 * beyond its two directories.
 */
public final class Backups {
  /** One kept copy: {@code path} held {@code checksum} until {@code time}; size -1 if lost. */
  public record Backup(Instant time, String path, String checksum, long size) {}

  /**
   * What a restore did. {@code previous} is the checksum the replaced content was kept as,
   * null when the path did not exist or its content was {@code secret} and not kept.
   */
  public record Restored(String path, Backup from, boolean unchanged, String previous,
      boolean secret) {}

  private final Path root;
  private final Path stateDir;
  private final BackupStore store;

  /** Backups kept under {@code stateDir} for managed paths re-based under {@code root}. */
  public Backups(Path root, Path stateDir) {
    this.root = root.toAbsolutePath();
    this.stateDir = stateDir.toAbsolutePath();
    this.store = new BackupStore(new ConvergeOptions(this.root, this.stateDir, false).backupDir());
  }

  /** Where the copies are kept. */
  public Path directory() {
    return store.directory();
  }

  /**
   * The path as the catalog names it, for a path as a person typed it.
   *
   * @throws IllegalArgumentException when it is not an absolute path
   */
  public static String managedPath(String typed) {
    return BackupRestore.managedPath(typed);
  }

  /** The backups of {@code path} (every path when null), newest first. */
  public List<Backup> list(String path) throws IOException {
    String only = path == null ? null : managedPath(path);
    try {
      List<Backup> found = new ArrayList<>();
      for (BackupStore.Entry entry : store.entries()) {
        if (only == null || entry.path().equals(only)) {
          found.add(backup(entry));
        }
      }
      return List.copyOf(found);
    } catch (IOException e) {
      throw described(e);
    }
  }

  /**
   * Puts back the newest backup of {@code path}, or the one {@code checksum} names
   * ({@code sha256:<hex>} or a unique prefix of the hex).
   *
   * @throws IllegalArgumentException when no backup matches
   * @throws RunLock.BusyException when a run holds the state directory
   */
  public Restored restore(String path, String checksum) throws IOException,
      RunLock.BusyException {
    String managed = managedPath(path);
    BackupRestore restore = new BackupRestore(store, new RootedPaths(root));
    try {
      BackupStore.Entry entry = restore.select(managed, checksum);
      try (RunLock lock = RunLock.acquire(stateDir)) {
        boolean secret = SecretPaths.holdsSecret(AgentOptions.cachedCatalog(stateDir), managed);
        BackupRestore.Outcome done = restore.restore(entry, !secret);
        return new Restored(managed, backup(entry), done.unchanged(), done.previous(), secret);
      }
    } catch (IOException e) {
      throw described(e);
    }
  }

  private Backup backup(BackupStore.Entry entry) throws IOException {
    return new Backup(entry.time(), entry.path(), entry.checksum(),
        store.sizeOf(entry.checksum()));
  }

  private static IOException described(IOException e) {
    return new IOException(IoMessages.describe(e), e);
  }
}
