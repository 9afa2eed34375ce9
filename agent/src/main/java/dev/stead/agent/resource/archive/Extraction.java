package dev.stead.agent.resource.archive;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Unpacks an archive whose entries {@link EntryNames} accepted into a directory. Nothing is
 * written through a symbolic link: each directory on the way is looked at without following
 * links, and one that is a link fails the extraction (the check before should have refused
 * it; this holds even if the directory changed since). Files are written atomically, so none
 * is ever seen half-written. Permission bits come from the archive without setuid, setgid and
 * sticky bits; owner and group are the given ones or the agent's user, never the archive's.
 * Directories get their modes and times last, so a read-only directory can still be filled.
 * One per extraction; not thread-safe.
 */
final class Extraction {
  private static final int DEFAULT_FILE_MODE = 0644;
  private static final int DEFAULT_DIRECTORY_MODE = 0755;

  private final Path target;
  private final UserPrincipal owner;
  private final GroupPrincipal group;
  private final List<Runnable> directoriesLast = new ArrayList<>();
  private IOException directoryFailure;
  private int written;

  /**
   * @param target the directory to unpack into, as a real path
   * @param owner owner of what is written, or null for the agent's user
   * @param group group of what is written, or null for the agent's group
   */
  Extraction(Path target, UserPrincipal owner, GroupPrincipal group) {
    this.target = target;
    this.owner = owner;
    this.group = group;
  }

  /** Checks every entry of {@code archive}, then unpacks them; returns how many it wrote. */
  static int unpack(Path archive, Path target, UserPrincipal owner, GroupPrincipal group)
      throws IOException {
    EntryNames names = new EntryNames(target);
    ArchiveReader.read(archive, (entry, content) -> names.check(entry));
    names.checkLinks();
    Extraction extraction = new Extraction(target, owner, group);
    ArchiveReader.read(archive, extraction::write);
    extraction.finish();
    return extraction.written;
  }

  private void write(ArchiveEntry entry, InputStream content) throws IOException {
    List<String> parts = EntryNames.components(entry.name());
    if (parts.isEmpty()) {
      return;
    }
    Path parent = directories(parts.subList(0, parts.size() - 1), entry.name());
    Path path = parent.resolve(parts.get(parts.size() - 1));
    BasicFileAttributes now = attributes(path);
    switch (entry.kind()) {
      case DIRECTORY -> {
        if (now == null) {
          Files.createDirectory(path);
        } else if (!now.isDirectory()) {
          throw new IOException("entry '" + entry.name() + "': " + path + " is "
              + (now.isSymbolicLink() ? "a symbolic link" : "a file") + ", not a directory");
        }
        int mode = entry.mode() < 0 ? DEFAULT_DIRECTORY_MODE : entry.mode();
        directoriesLast.add(() -> finishDirectory(path, mode, entry.modified()));
      }
      case FILE -> {
        refuseDirectory(entry, path, now);
        try (AtomicFiles.Staged staged = AtomicFiles.stage(path, content::transferTo)) {
          staged.commit(new AtomicFiles.Attributes(permissions(entry.mode() < 0
              ? DEFAULT_FILE_MODE : entry.mode()), owner, group));
        }
        setTime(path, entry.modified());
      }
      case SYMLINK -> {
        refuseDirectory(entry, path, now);
        AtomicFiles.symlink(path, entry.link());
        chown(path);
      }
      case HARDLINK -> {
        refuseDirectory(entry, path, now);
        List<String> to = EntryNames.components(entry.link());
        Path existing = directories(to.subList(0, to.size() - 1), entry.name())
            .resolve(to.get(to.size() - 1));
        BasicFileAttributes source = attributes(existing);
        if (source == null || !source.isRegularFile()) {
          throw new IOException("entry '" + entry.name() + "': the file it links to, "
              + existing + ", is not a regular file");
        }
        if (now != null) {
          Files.delete(path);
        }
        Files.createLink(path, existing);
      }
      default -> throw new IllegalStateException("unchecked entry kind " + entry.kind());
    }
    written++;
  }

  /** Sets the modes and times of directories, deepest (latest) first. */
  private void finish() throws IOException {
    for (int i = directoriesLast.size() - 1; i >= 0; i--) {
      directoriesLast.get(i).run();
      if (directoryFailure != null) {
        throw directoryFailure;
      }
    }
  }

  private void finishDirectory(Path path, int mode, FileTime modified) {
    try {
      chown(path);
      view(path).setPermissions(permissions(mode));
      setTime(path, modified);
    } catch (IOException e) {
      directoryFailure = e;
    }
  }

  /** The directory {@code parts} beneath the target, made where missing, never via a link. */
  private Path directories(List<String> parts, String entry) throws IOException {
    Path at = target;
    for (String part : parts) {
      at = at.resolve(part);
      BasicFileAttributes a = attributes(at);
      if (a == null) {
        Files.createDirectory(at);
        chown(at);
        view(at).setPermissions(permissions(DEFAULT_DIRECTORY_MODE));
      } else if (a.isSymbolicLink()) {
        throw new IOException("entry '" + entry + "' would be written through the symbolic"
            + " link " + at + "; refused");
      } else if (!a.isDirectory()) {
        throw new IOException("entry '" + entry + "': " + at + " is a file, not a directory");
      }
    }
    return at;
  }

  private static void refuseDirectory(ArchiveEntry entry, Path path, BasicFileAttributes now)
      throws IOException {
    if (now != null && now.isDirectory()) {
      throw new IOException("entry '" + entry.name() + "': " + path + " is a directory; it is"
          + " not replaced");
    }
  }

  private void chown(Path path) throws IOException {
    if (owner != null) {
      view(path).setOwner(owner);
    }
    if (group != null) {
      view(path).setGroup(group);
    }
  }

  private static void setTime(Path path, FileTime modified) throws IOException {
    if (modified != null) {
      Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(modified, null, null);
    }
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static PosixFileAttributeView view(Path path) {
    return Files.getFileAttributeView(path, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
  }

  /** The permission bits of {@code mode}; setuid, setgid and sticky are dropped. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE,
        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }
}
