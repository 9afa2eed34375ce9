package dev.stead.agent.fs;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Puts a backup from a {@link BackupStore} back at the managed path it came from, under the
 * root exactly as the file type resolves it. The content there is kept in the store first,
 * so a restore can itself be undone. Not safe against a concurrent agent run: callers hold
 * the run lock.
 */
public final class BackupRestore {
  /** Mode of a file created by a restore when the backup does not know the original one. */
  static final Set<PosixFilePermission> NEW_FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * What a restore did: {@code entry} is now at {@code path}; {@code previous} is the checksum
   * the replaced content was kept under, null when the path was absent; {@code unchanged}
   * when the path already held that content (nothing written, nothing kept).
   */
  public record Outcome(String path, Path file, BackupStore.Entry entry, String previous,
      boolean unchanged) {}

  private final BackupStore store;
  private final RootedPaths paths;

  public BackupRestore(BackupStore store, RootedPaths paths) {
    this.store = store;
    this.paths = paths;
  }

  /**
   * Normalises a managed path as typed ({@code //} and a trailing {@code /} collapse), so it
   * matches the index.
   *
   * @throws IllegalArgumentException when it is not absolute or has {@code .} or {@code ..}
   *     components (as {@link RootedPaths#resolve} would refuse it)
   */
  public static String managedPath(String typed) {
    if (!typed.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + typed
          + " (give the path as the catalog names it, e.g. /etc/motd)");
    }
    for (String part : typed.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("path must not contain . or ..: " + typed);
      }
    }
    String path = typed.replaceAll("/{2,}", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1)
        : path;
  }

  /**
   * The backup of {@code path} to put back: the newest one, or with {@code checksum} (null for
   * the newest) the one whose hex starts with it, with or without {@code sha256:}.
   *
   * @throws IllegalArgumentException when there is none, or the checksum is not hex or matches
   *     more than one distinct backup of the path (the message names them)
   */
  public BackupStore.Entry select(String path, String checksum) throws IOException {
    List<BackupStore.Entry> ofPath = new ArrayList<>();
    for (BackupStore.Entry entry : store.entries()) {
      if (entry.path().equals(path)) {
        ofPath.add(entry);
      }
    }
    if (ofPath.isEmpty()) {
      throw new IllegalArgumentException("no backup of " + path + " in " + store.directory());
    }
    if (checksum == null) {
      return ofPath.get(0);
    }
    String prefix = checksum.toLowerCase(Locale.ROOT);
    prefix = prefix.startsWith("sha256:") ? prefix.substring(7) : prefix;
    if (!prefix.matches("[0-9a-f]{1,64}")) {
      throw new IllegalArgumentException("not a sha256 checksum or prefix of one: " + checksum);
    }
    BackupStore.Entry found = null;
    Set<String> candidates = new LinkedHashSet<>();
    for (BackupStore.Entry entry : ofPath) {
      if (entry.hex().startsWith(prefix) && candidates.add(entry.checksum()) && found == null) {
        found = entry; // entries are newest first: the newest backup of that content
      }
    }
    if (candidates.size() > 1) {
      throw new IllegalArgumentException("checksum " + checksum + " is ambiguous for " + path
          + ": it matches " + String.join(", ", candidates));
    }
    if (found == null) {
      throw new IllegalArgumentException("no backup of " + path + " has checksum " + checksum
          + " (its backups: " + String.join(", ", distinct(ofPath)) + ")");
    }
    return found;
  }

  /**
   * Writes {@code entry}'s content at its path, atomically. Nothing is written (and nothing
   * kept) when the backup is missing or corrupt, when the path leads out of the root, or
   * when something other than a regular file is there.
   */
  public Outcome restore(BackupStore.Entry entry) throws IOException {
    return restore(entry, true);
  }

  /**
   * As {@link #restore(BackupStore.Entry)}; with {@code keepPrevious} false the content being
   * replaced is not backed up (it is a secret's plaintext) and the outcome's previous is null.
   */
  public Outcome restore(BackupStore.Entry entry, boolean keepPrevious) throws IOException {
    byte[] content = store.read(entry.checksum());
    Path file = paths.resolve(entry.path());
    PosixFileAttributes now = attributes(file);
    if (now != null && !now.isRegularFile()) {
      String kind = now.isDirectory() ? "a directory" : now.isSymbolicLink()
          ? "a symbolic link" : "not a regular file";
      throw new IOException(entry.path() + " is " + kind + " (" + file + "): restore only "
          + "replaces regular files; remove it first");
    }
    Path parent = file.getParent();
    if (now == null && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot restore " + entry.path() + ": its directory " + parent
          + " does not exist");
    }
    String previous = null;
    if (now != null) {
      byte[] old = Files.readAllBytes(file);
      if (Arrays.equals(old, content)) {
        return new Outcome(entry.path(), file, entry, entry.checksum(), true);
      }
      previous = keepPrevious ? store.keep(entry.path(), old, now.permissions()) : null;
      AtomicFiles.write(file, content,
          new AtomicFiles.Attributes(now.permissions(), now.owner(), now.group()));
    } else {
      AtomicFiles.write(file, content, AtomicFiles.Attributes.mode(
          entry.mode() != null ? entry.mode() : NEW_FILE_MODE));
    }
    return new Outcome(entry.path(), file, entry, previous, false);
  }

  private static PosixFileAttributes attributes(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static Set<String> distinct(List<BackupStore.Entry> entries) {
    Set<String> sums = new LinkedHashSet<>();
    for (BackupStore.Entry entry : entries) {
      sums.add(entry.checksum());
    }
    return sums;
  }
}
