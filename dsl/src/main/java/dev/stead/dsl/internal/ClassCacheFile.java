package dev.stead.dsl.internal;

import dev.stead.dsl.internal.ScriptClassLoader.ClassFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The class bytes one load of an environment's code compiled, kept in a file so that the
 * next load of the same code (a restarted master) defines them instead of parsing and
 * compiling again. Each script's entry carries its chain key: a digest of the compiler's
 * identity ({@link CompilerIdentity}), then of every script compiled before it and itself
 * (compiled name, relative name, text), in order; a script's compile can see the classes of
 * the scripts before it and nothing else, so an entry whose key matches holds exactly the
 * bytes a compile would write now, and a changed script invalidates itself and every script
 * after it.
 *
 * <p>The file ends with a SHA-256 of everything before it: a truncated or damaged file is
 * ignored whole. It is written to a temporary file (owner-only) and renamed over the old one,
 * so a reader sees the old file or the new one. The bytes are only ever those the sandboxed
 * compile of this process or an earlier one wrote; a file or directory that others may write
 * is ignored, as its bytes could be anyone's. Immutable once read.
 */
final class ClassCacheFile {
  private static final int MAGIC = 0x53544443; // "STDC"
  private static final int FORMAT = 1;
  private static final int DIGEST_BYTES = 32;
  /** Files kept in one directory (one per environment and release); the oldest go first. */
  static final int MAX_FILES = 32;
  /** How the files of compiled code end. */
  static final String CLASSES = ".classes";

  /** One script's compiled classes and what its compile recorded about it. */
  record Entry(String chainKey, String sourceName, String mainClass, List<String> definedTypes,
      List<ClassFile> classes) {
    Entry {
      definedTypes = List.copyOf(definedTypes);
      classes = List.copyOf(classes);
    }
  }

  private final List<Entry> entries;

  private ClassCacheFile(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** How many scripts the file holds. */
  int size() {
    return entries.size();
  }

  /** Every entry, in the order written. */
  List<Entry> entries() {
    return entries;
  }

  /** The entry at {@code index} when its key is {@code chainKey}, else null. */
  Entry match(int index, String chainKey) {
    if (index >= entries.size()) {
      return null;
    }
    Entry e = entries.get(index);
    return e.chainKey().equals(chainKey) ? e : null;
  }

  /** The file for the code at {@code codeDir} with {@code modulePath}, in {@code dir}. */
  static Path fileFor(Path dir, Path codeDir, List<Path> modulePath) {
    StringBuilder where = new StringBuilder(codeDir.toAbsolutePath().normalize().toString());
    for (Path p : modulePath) {
      where.append('\0').append(p.toAbsolutePath().normalize());
    }
    byte[] digest = sha256().digest(where.toString().getBytes(StandardCharsets.UTF_8));
    return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + CLASSES);
  }

  /** What {@code file} holds; empty when it is missing, damaged, or writable by others. */
  static ClassCacheFile read(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !ownerOnly(file)
          || !ownerOnly(file.getParent())) {
        return new ClassCacheFile(List.of());
      }
      byte[] all = Files.readAllBytes(file);
      if (all.length < DIGEST_BYTES) {
        return new ClassCacheFile(List.of());
      }
      MessageDigest sha = sha256();
      sha.update(all, 0, all.length - DIGEST_BYTES);
      if (!MessageDigest.isEqual(sha.digest(),
          Arrays.copyOfRange(all, all.length - DIGEST_BYTES, all.length))) {
        return new ClassCacheFile(List.of());
      }
      DataInputStream in = new DataInputStream(
          new ByteArrayInputStream(all, 0, all.length - DIGEST_BYTES));
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        return new ClassCacheFile(List.of());
      }
      int count = in.readInt();
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = in.readUTF();
        String source = in.readUTF();
        String main = in.readUTF();
        List<String> types = new ArrayList<>();
        for (int t = in.readInt(); t > 0; t--) {
          types.add(in.readUTF());
        }
        List<ClassFile> classes = new ArrayList<>();
        for (int c = in.readInt(); c > 0; c--) {
          String name = in.readUTF();
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          classes.add(new ClassFile(name, bytes));
        }
        entries.add(new Entry(key, source, main, types, classes));
      }
      return new ClassCacheFile(entries);
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      return new ClassCacheFile(List.of());
    }
  }

  /**
   * Replaces {@code file} with {@code entries}, atomically; a failure to write leaves the
   * old file (or none) and is not an error: the cache only saves time.
   */
  static void write(Path file, List<Entry> entries) {
    Path dir = file.getParent();
    Path tmp = null;
    try {
      createOwnerOnly(dir);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        out.writeUTF(e.chainKey());
        out.writeUTF(e.sourceName());
        out.writeUTF(e.mainClass());
        out.writeInt(e.definedTypes().size());
        for (String t : e.definedTypes()) {
          out.writeUTF(t);
        }
        out.writeInt(e.classes().size());
        for (ClassFile c : e.classes()) {
          out.writeUTF(c.name());
          out.writeInt(c.bytes().length);
          out.write(c.bytes());
        }
      }
      out.flush();
      byte[] body = bytes.toByteArray();
      // createTempFile makes the file owner-only (0600) on POSIX file systems.
      tmp = Files.createTempFile(dir, ".classes-", ".tmp");
      try (var w = Files.newOutputStream(tmp)) {
        w.write(body);
        w.write(sha256().digest(body));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      prune(dir);
    } catch (IOException | RuntimeException e) {
      // Not written: the next load compiles again.
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray temporary file; the next write's prune does not count it
        }
      }
    }
  }

  /**
   * Keeps the {@link #MAX_FILES} most recently written files of {@code dir}, and the
   * templates' files ({@link TemplateClassCache}) of those only.
   */
  private static void prune(Path dir) throws IOException {
    List<Path> files;
    List<Path> templates;
    try (Stream<Path> listed = Files.list(dir)) {
      List<Path> all = listed.toList();
      files = all.stream().filter(p -> p.getFileName().toString().endsWith(CLASSES))
          .sorted(Comparator.comparing(ClassCacheFile::modified).reversed()).toList();
      templates = all.stream()
          .filter(p -> p.getFileName().toString().endsWith(TemplateClassCache.SUFFIX)).toList();
    }
    for (Path old : files.subList(Math.min(MAX_FILES, files.size()), files.size())) {
      Files.deleteIfExists(old);
    }
    for (Path t : templates) {
      String name = t.getFileName().toString();
      Path classes = t.resolveSibling(
          name.substring(0, name.length() - TemplateClassCache.SUFFIX.length()) + CLASSES);
      if (!Files.exists(classes, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(t);
      }
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static void createOwnerOnly(Path dir) throws IOException {
    if (!posix()) {
      Files.createDirectories(dir);
      return;
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // made meanwhile by another load; its permissions are checked when read
      }
    }
  }

  /** Whether only the owner may write {@code p} (always, where there are no POSIX modes). */
  private static boolean ownerOnly(Path p) throws IOException {
    if (!posix()) {
      return true;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return !perms.contains(PosixFilePermission.GROUP_WRITE)
        && !perms.contains(PosixFilePermission.OTHERS_WRITE);
  }

  /**
   * A cache key: the hex SHA-256 of {@code parts}, each preceded by its UTF-8 length, so that
   * no two different lists of parts run together into the same bytes.
   */
  static String keyOf(String... parts) {
    MessageDigest sha = sha256();
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
      sha.update(bytes);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
