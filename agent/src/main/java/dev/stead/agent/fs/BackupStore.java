package dev.stead.agent.fs;

import dev.stead.wire.AtomicFiles;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Content-addressed copies of file content the agent replaced or removed:
 * {@code DIR/<sha256 hex>}, plus an append-only {@code DIR/index.tsv} of
 * {@code time<TAB>path<TAB>sha256:<hex>} lines, optionally followed by {@code <TAB>rw-r--r--}
 * (the mode the file had), so a later restore can find what a path held.
 * Storing the same content twice costs nothing. Not thread-safe across processes for the
 * index (one agent run at a time).
 */
public final class BackupStore {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern MODE = Pattern.compile("[r-][w-][x-][r-][w-][x-][r-][w-][x-]");

  /**
   * One line of the index: {@code path} held the content {@code checksum}
   * ({@code sha256:<hex>}) until {@code time}; {@code mode} is null when it was not recorded.
   */
  public record Entry(Instant time, String path, String checksum,
      Set<PosixFilePermission> mode) {
    public String hex() {
      return checksum.substring("sha256:".length());
    }
  }

  private final Path dir;

  public BackupStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  private BackupStore() {
    this.dir = null;
  }

  /**
   * A store that keeps nothing: for files whose content is secret, whose old plaintext must
   * not linger in the state directory. {@link #keep} returns {@code not kept}.
   */
  public static BackupStore none() {
    return new BackupStore();
  }

  public Path directory() {
    return dir;
  }

  /** Keeps {@code content}, formerly at {@code path}, and returns its {@code sha256:<hex>}. */
  public String keep(String path, byte[] content) throws IOException {
    return keep(path, content, null);
  }

  /** As {@link #keep(String, byte[])}, recording the mode the file had (null: unknown). */
  public String keep(String path, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    if (dir == null) {
      return "not kept";
    }
    String hex = Catalogs.sha256Hex(content);
    Files.createDirectories(dir);
    Path copy = dir.resolve(hex);
    if (!Files.exists(copy)) {
      AtomicFiles.writePrivate(copy, content);
    }
    return record(path, hex, mode);
  }

  /**
   * As {@link #keep(String, byte[], Set)} for the content of {@code file}, copied as it
   * streams (a large file is never held in memory), hashed on the way.
   */
  public String keep(String path, Path file, Set<PosixFilePermission> mode) throws IOException {
    if (dir == null) {
      return "not kept";
    }
    Files.createDirectories(dir);
    MessageDigest sha = Sha256.newDigest();
    try (AtomicFiles.Staged copy = AtomicFiles.stage(dir.resolve("incoming"),
        out -> Files.copy(file, new DigestOutputStream(out, sha)))) {
      String hex = HexFormat.of().formatHex(sha.digest());
      if (!Files.exists(dir.resolve(hex))) {
        copy.commitAs(dir.resolve(hex), AtomicFiles.Attributes.mode(
            PosixFilePermissions.fromString("rw-------")));
      }
      return record(path, hex, mode);
    }
  }

  private String record(String path, String hex, Set<PosixFilePermission> mode)
      throws IOException {
    String line = Instant.now() + "\t" + path + "\tsha256:" + hex
        + (mode == null ? "" : "\t" + PosixFilePermissions.toString(mode)) + "\n";
    Files.writeString(index(), line, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return "sha256:" + hex;
  }

  /** The stored copy of {@code sha256:<hex>} (or bare hex); it may not exist. */
  public Path pathOf(String checksum) {
    return dir.resolve(checksum.startsWith("sha256:") ? checksum.substring(7) : checksum);
  }

  /**
   * Every index line, newest first (lines with the same time: the later line first). Lines
   * that cannot be parsed, such as one cut short by a crash while it was appended, are
   * skipped. Empty when nothing was ever kept.
   */
  public List<Entry> entries() throws IOException {
    if (dir == null) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(index(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      Entry entry = parse(line);
      if (entry != null) {
        entries.add(entry);
      }
    }
    Collections.reverse(entries);
    // Stable: equal times keep the reversed file order.
    entries.sort(Comparator.comparing(Entry::time).reversed());
    return entries;
  }

  /**
   * The stored bytes of {@code checksum}, verified against it.
   *
   * @throws IOException naming the backup when it is missing or its bytes do not hash to it
   */
  public byte[] read(String checksum) throws IOException {
    String hex = checksum.startsWith("sha256:") ? checksum.substring(7) : checksum;
    if (dir == null || !HEX.matcher(hex).matches()) {
      throw new IOException("not a backup checksum: " + checksum);
    }
    Path copy = dir.resolve(hex);
    byte[] content;
    try {
      content = Files.readAllBytes(copy);
    } catch (NoSuchFileException e) {
      throw new IOException("backup sha256:" + hex + " is missing: no file " + copy);
    }
    String actual = Sha256.hex(content);
    if (!actual.equals(hex)) {
      throw new IOException("backup sha256:" + hex + " is corrupt: " + copy
          + " hashes to sha256:" + actual);
    }
    return content;
  }

  /** Size in bytes of the stored copy of {@code checksum}, or -1 when it is missing. */
  public long sizeOf(String checksum) throws IOException {
    try {
      return Files.size(pathOf(checksum));
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  private Path index() {
    return dir.resolve("index.tsv");
  }

  /** Parses from both ends, so a path holding a tab still reads back whole. */
  private static Entry parse(String line) {
    String[] fields = line.split("\t", -1);
    int sum = fields.length - 1;
    Set<PosixFilePermission> mode = null;
    if (sum >= 3 && MODE.matcher(fields[sum]).matches()) {
      mode = PosixFilePermissions.fromString(fields[sum]);
      sum--;
    }
    if (sum < 2 || !fields[sum].startsWith("sha256:")
        || !HEX.matcher(fields[sum].substring(7)).matches()) {
      return null;
    }
    String path = String.join("\t", List.of(fields).subList(1, sum));
    if (path.isEmpty()) {
      return null;
    }
    try {
      return new Entry(Instant.parse(fields[0]), path, fields[sum], mode);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
