package dev.stead.agent.resource;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import java.util.Objects;

/**
 * What a resource may use while it checks and applies: the re-based file system and the
 * backup store. One per run; immutable.
 */
public record ApplyContext(RootedPaths paths, BackupStore backups) {
  public ApplyContext {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(backups, "backups");
  }
}
