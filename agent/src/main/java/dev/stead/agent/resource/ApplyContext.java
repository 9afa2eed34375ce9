package dev.stead.agent.resource;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.Host;
import dev.stead.agent.host.SystemHost;
import dev.stead.agent.resource.file.FileSource;
import dev.stead.wire.RunSyncs;
import java.util.Objects;

/**
 * What a resource may use while it checks and applies: the re-based file system, the backup
 * store, the host for commands, a memo shared by the run and where {@code file} sources are
 * fetched from, and when directories changed by a write are synced ({@code syncs}). One per
 * run; the record is immutable, the memo and the pending syncs are its shared mutable parts.
 */
public record ApplyContext(RootedPaths paths, BackupStore backups, Host host, RunMemo memo,
    FileSource files, RunSyncs syncs) {
  public ApplyContext {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(backups, "backups");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(memo, "memo");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(syncs, "syncs");
  }

  /** Each changed directory synced at once. */
  public ApplyContext(RootedPaths paths, BackupStore backups, Host host, RunMemo memo,
      FileSource files) {
    this(paths, backups, host, memo, files, RunSyncs.IMMEDIATE);
  }

  /** Without a file source: a {@code file} with {@code source} to fetch fails, saying so. */
  public ApplyContext(RootedPaths paths, BackupStore backups, Host host, RunMemo memo) {
    this(paths, backups, host, memo, FileSource.NONE);
  }

  /**
   * The real machine: commands run only when {@code paths} is rooted at {@code /}; under any
   * other root they are refused (see {@link SystemHost#confinedTo}).
   */
  public ApplyContext(RootedPaths paths, BackupStore backups) {
    this(paths, backups, SystemHost.confinedTo(paths.root()), new RunMemo());
  }
}
