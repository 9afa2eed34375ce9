package dev.stead.agent.resource.archive;

import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * One entry of an archive as the reader found it, before any check. Immutable.
 *
 * @param name the entry's name as the archive spells it (may be unsafe: checked later)
 * @param link for a symbolic link its target, for a hard link the archive name it links to,
 *     else empty
 * @param mode the permission bits the archive gives, or -1 when it gives none
 * @param modified the modification time, or null when the archive gives none
 */
record ArchiveEntry(String name, Kind kind, String link, int mode, FileTime modified) {
  /** What an entry is; {@link #OTHER} (devices, pipes) is never unpacked. */
  enum Kind { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

  ArchiveEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(link, "link");
  }
}
