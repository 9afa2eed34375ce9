package dev.stead.wire;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Crash-safe replacement of a file or symbolic link: the new version is written to a temporary
 * name in the same directory, given its final mode and owner, synced, renamed over the target
 * and the directory synced. Readers see either the old or the new version, never a mix; on
 * failure the old version stays and no temporary file is left behind. Stateless.
 */
public final class AtomicFiles {
  /** Every temporary file we create ends with this, so a stray one is recognisable. */
  public static final String TEMP_SUFFIX = ".stead-tmp";
  /** {@code .NAME.HEX.stead-tmp}, exactly as {@link #tempName} makes them (1-16 hex digits). */
  private static final Pattern TEMP_NAME =
      Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.stead-tmp");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  /** What the new file should look like besides its bytes; null fields mean "default". */
  public record Attributes(Set<PosixFilePermission> permissions, UserPrincipal owner,
      GroupPrincipal group) {
    public static Attributes mode(Set<PosixFilePermission> permissions) {
      return new Attributes(permissions, null, null);
    }
  }

  /**
   * Atomically replaces {@code target} with {@code content}. The parent directory must exist.
   * The temporary file is created owner-only, so content is never readable by others before
   * its final mode is set.
   */
  public static void write(Path target, byte[] content, Attributes attributes) throws IOException {
    write(target, content, attributes, RunSyncs.IMMEDIATE);
  }

  /**
   * As {@link #write(Path, byte[], Attributes)}; the directory's sync goes to {@code syncs}
   * (the content itself is synced before the rename, always).
   */
  public static void write(Path target, byte[] content, Attributes attributes,
      RunSyncs syncs) throws IOException {
    write(target, content, attributes, syncs, true);
  }

  /**
   * As {@link #write(Path, byte[], Attributes, RunSyncs)} for a {@code target} where nothing
   * was: with deferred {@code syncs} its content is synced with them (see {@link RunSyncs}),
   * not before the rename.
   */
  public static void create(Path target, byte[] content, Attributes attributes, RunSyncs syncs)
      throws IOException {
    write(target, content, attributes, syncs, !syncs.defersCreatedFiles());
    if (syncs.defersCreatedFiles()) {
      syncs.created(target);
    }
  }

  private static void write(Path target, byte[] content, Attributes attributes, RunSyncs syncs,
      boolean syncContent) throws IOException {
    Objects.requireNonNull(attributes, "attributes");
    Path dir = parentOf(target);
    Path temp = createTemp(dir, target.getFileName().toString());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (syncContent) {
          channel.force(true);
        }
      }
      applyAttributes(temp, attributes);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    syncs.changed(dir);
  }

  /** What a staged file holds, written through a stream (so it need not fit in memory). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code content} to a new owner-only file beside {@code target}, flushed to disk but
   * not yet visible at {@code target}: the caller checks it (a checksum, say) and then
   * {@link Staged#commit commits} it, or closes it and nothing changed. A failure while
   * writing leaves nothing behind.
   */
  public static Staged stage(Path target, Content content) throws IOException {
    Path dir = parentOf(target);
    Path temp = createTemp(dir, target.getFileName().toString());
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
      content.writeTo(out);
      out.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return new Staged(target, dir, temp);
  }

  /** A file written by {@link #stage}, waiting beside its target. Close removes it if uncommitted. */
  public static final class Staged implements AutoCloseable {
    private final Path target;
    private final Path dir;
    private final Path temp;
    private boolean committed;

    private Staged(Path target, Path dir, Path temp) {
      this.target = target;
      this.dir = dir;
      this.temp = temp;
    }

    /** The staged file itself, to read back before committing. */
    public Path file() {
      return temp;
    }

    /** Gives it {@code attributes} and renames it over the target, atomically. */
    public void commit(Attributes attributes) throws IOException {
      commitAs(target, attributes);
    }

    /** As {@link #commit}, under another name in the same directory. */
    public void commitAs(Path name, Attributes attributes) throws IOException {
      if (!parentOf(name).equals(dir)) {
        throw new IllegalArgumentException(name + " is not in " + dir);
      }
      applyAttributes(temp, attributes);
      Files.move(temp, name, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      syncDirectory(dir);
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Writes a file readable only by its owner (keys, state), atomically. */
  public static void writePrivate(Path target, byte[] content) throws IOException {
    write(target, content, Attributes.mode(OWNER_ONLY));
  }

  /** Atomically replaces {@code link} (whatever it is, unless a non-empty directory) by a symlink. */
  public static void symlink(Path link, String target) throws IOException {
    symlink(link, target, RunSyncs.IMMEDIATE);
  }

  /** As {@link #symlink(Path, String)}; the directory's sync goes to {@code syncs}. */
  public static void symlink(Path link, String target, RunSyncs syncs) throws IOException {
    Path dir = parentOf(link);
    Path temp = null;
    for (int attempt = 0; temp == null; attempt++) {
      Path candidate = dir.resolve(tempName(link.getFileName().toString()));
      try {
        Files.createSymbolicLink(candidate, link.getFileSystem().getPath(target));
        temp = candidate;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
    try {
      Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    syncs.changed(dir);
  }

  /** Forces a directory's entries to disk, so a rename in it survives a crash. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static Path parentOf(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IllegalArgumentException("cannot replace the root directory: " + target);
    }
    return dir;
  }

  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path candidate = dir.resolve(tempName(name));
      try {
        Files.createFile(candidate, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        return candidate;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /**
   * True when {@code fileName} has the shape of a temporary file of ours: a dot, the target's
   * name, a dot, a random hex number, {@value #TEMP_SUFFIX}. Files merely ending in the suffix
   * do not qualify.
   */
  public static boolean isTempName(String fileName) {
    return TEMP_NAME.matcher(fileName).matches();
  }

  private static String tempName(String name) {
    // A dot prefix keeps the temporary file out of globs like *.conf that daemons read.
    return "." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + TEMP_SUFFIX;
  }

  private static void applyAttributes(Path temp, Attributes attributes) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    if (attributes.owner() != null) {
      view.setOwner(attributes.owner());
    }
    if (attributes.group() != null) {
      view.setGroup(attributes.group());
    }
    // After chown: chown may clear set-id bits, and the umask never applies to chmod.
    if (attributes.permissions() != null) {
      view.setPermissions(attributes.permissions());
    }
  }
}
