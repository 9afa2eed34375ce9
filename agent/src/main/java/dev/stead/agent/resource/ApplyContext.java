package dev.stead.agent.resource;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.Host;
import dev.stead.agent.host.SystemHost;
import java.util.Objects;

/**
 * What a resource may use while it checks and applies: the re-based file system, the backup
 * store, the host for commands and a memo shared by the run. One per run; the record is
 * immutable, the memo is the one shared mutable part.
 */
public record ApplyContext(RootedPaths paths, BackupStore backups, Host host, RunMemo memo) {
  public ApplyContext {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(backups, "backups");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(memo, "memo");
  }

  /**
   * The real machine: commands run only when {@code paths} is rooted at {@code /}; under any
   * other root they are refused (see {@link SystemHost#confinedTo}).
   */
  public ApplyContext(RootedPaths paths, BackupStore backups) {
    this(paths, backups, SystemHost.confinedTo(paths.root()), new RunMemo());
  }
}
