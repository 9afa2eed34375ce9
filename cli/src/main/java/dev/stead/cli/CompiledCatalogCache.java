package dev.stead.cli;

import dev.stead.proto.v1.Catalog;
import dev.stead.wire.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Catalogs compiled by {@code stead apply}, kept in {@code STATE/catalog/apply/<digest>.pb}
 * under a digest of everything the compile reads: the manifest's bytes, the environment
 * around it (its directory's {@code data.yaml}, and every file under its {@code data/} and
 * {@code modules/}), every file under each module path entry (name and bytes), the node
 * name, the facts (this machine's without
 * the values that change by themselves, see {@code FactCollector.withoutVolatile}; or the
 * bytes of the {@code --facts} file), and the stead build
 * itself (name, size and mtime of each class-path jar, so an upgraded compiler never reuses
 * an old catalog). The compiler is deterministic (same code and facts, byte-identical
 * catalog), so a hit is exactly what compiling would give, without loading Groovy. The newest
 * {@value #KEEP} are kept. Not thread-safe; one apply at a time per state directory.
 *
 * <p>Two costs of a hit are avoided, both SHA-256 over a megabyte at C1 (~40 ms each on a
 * 1.1 MB manifest). Input files enter the key by their SHA-256, which {@link InputDigests}
 * remembers per file while its inode, size, mtime and ctime stay the same (ctime moves on
 * every write and cannot be set back, so a content change with a reset mtime is still seen).
 * And a stored catalog is checked by a CRC-32 of its bytes, written after them, instead of
 * re-deriving its content digest: the file is our own, written atomically, so what can go
 * wrong with it is damage, which a CRC catches; its content digest was computed when it was
 * compiled and sealed.
 */
final class CompiledCatalogCache {
  static final int KEEP = 8;
  /** Ends every stored catalog, after the CRC-32 of the catalog bytes. */
  private static final byte[] MAGIC = "SCC2".getBytes(StandardCharsets.US_ASCII);
  private final Path dir;

  CompiledCatalogCache(Path stateDir) {
    this.dir = stateDir.resolve("catalog").resolve("apply");
  }

  /** The cache key for these compile inputs ({@code factsBytes}: facts as exact bytes). */
  static String key(Path manifest, List<Path> modulePath, String node, byte[] factsBytes)
      throws IOException {
    return key(manifest, modulePath, node, factsBytes, InputDigests.load(null, 0));
  }

  /** As {@link #key(Path, List, String, byte[])}, remembering file digests in {@code stateDir}. */
  static String key(Path manifest, List<Path> modulePath, String node, byte[] factsBytes,
      Path stateDir) throws IOException {
    return key(manifest, modulePath, node, factsBytes,
        InputDigests.load(stateDir, InputDigests.SETTLED_MS));
  }

  static String key(Path manifest, List<Path> modulePath, String node, byte[] factsBytes,
      InputDigests digests) throws IOException {
    MessageDigest sha = sha256();
    field(sha, "stead-apply-cache/3");
    field(sha, node);
    field(sha, factsBytes);
    field(sha, digests.of(manifest));
    Path env = manifest.toAbsolutePath().normalize().getParent();
    Path config = env.resolve("data.yaml");
    if (Files.isRegularFile(config)) {
      field(sha, "data.yaml");
      field(sha, digests.of(config));
    }
    List<Path> trees = new ArrayList<>(List.of(env.resolve("data"), env.resolve("modules")));
    trees.addAll(modulePath);
    for (Path entry : trees) {
      field(sha, "modulepath:" + entry.toAbsolutePath().normalize());
      for (Path f : files(entry)) {
        field(sha, entry.relativize(f).toString());
        field(sha, digests.of(f));
      }
    }
    for (String jar : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      BasicFileAttributes a; // one stat per jar, not three: the class path has ~50 jars
      try {
        a = Files.readAttributes(Path.of(jar), BasicFileAttributes.class);
      } catch (IOException | RuntimeException notThere) {
        continue;
      }
      if (a.isRegularFile()) {
        field(sha, jar + ":" + a.size() + ":" + a.lastModifiedTime().toMillis());
      }
    }
    digests.saveIfChanged();
    return HexFormat.of().formatHex(sha.digest());
  }

  Optional<Catalog> find(String key) {
    try {
      byte[] stored = Files.readAllBytes(dir.resolve(key + ".pb"));
      int n = stored.length - 8;
      if (n < 0 || !Arrays.equals(stored, n + 4, stored.length, MAGIC, 0, 4)) {
        return Optional.empty();
      }
      CRC32 crc = new CRC32();
      crc.update(stored, 0, n);
      if ((int) crc.getValue() != ByteBuffer.wrap(stored, n, 4).getInt()) {
        return Optional.empty(); // damaged: compile again and overwrite
      }
      return Optional.of(Catalog.parseFrom(ByteBuffer.wrap(stored, 0, n)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable or damaged: compile again and overwrite
    }
  }

  void store(String key, Catalog catalog) throws IOException {
    Files.createDirectories(dir);
    byte[] bytes = catalog.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(bytes);
    ByteBuffer out = ByteBuffer.allocate(bytes.length + 8);
    out.put(bytes).putInt((int) crc.getValue()).put(MAGIC);
    AtomicFiles.writePrivate(dir.resolve(key + ".pb"), out.array());
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = new ArrayList<>(s.filter(p -> p.toString().endsWith(".pb")).toList());
    }
    all.sort(Comparator.comparing((Path p) -> {
      try {
        return Files.getLastModifiedTime(p).toMillis();
      } catch (IOException e) {
        return 0L;
      }
    }).reversed());
    for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
      Files.deleteIfExists(old);
    }
  }

  private static List<Path> files(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void field(MessageDigest sha, String s) {
    field(sha, s.getBytes(StandardCharsets.UTF_8));
  }

  /** Length-prefixed, so no two different input lists hash alike. */
  private static void field(MessageDigest sha, byte[] bytes) {
    long n = bytes.length;
    for (int i = 7; i >= 0; i--) {
      sha.update((byte) (n >>> (8 * i)));
    }
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * SHA-256 of input files, remembered in {@code STATE/catalog/apply-inputs.memo} with the
   * file's device, inode, size, mtime and ctime (nanoseconds) and reused while all of them
   * are unchanged. A digest is remembered only once the file has been still for
   * {@value #SETTLED_MS} ms: a write in the same clock tick as the one we read could leave
   * both times unchanged (git's "racy clean" problem). Without a state directory nothing is
   * remembered.
   */
  static final class InputDigests {
    static final long SETTLED_MS = 2_000;
    private static final int VERSION = 1;
    private final Path file;
    private final Map<String, Seen> known;
    private final long settledMs;
    private final Map<String, Seen> used = new HashMap<>();
    private boolean changed;

    private record Seen(String stat, byte[] digest) {}

    private InputDigests(Path file, Map<String, Seen> known, long settledMs) {
      this.file = file;
      this.known = known;
      this.settledMs = settledMs;
    }

    /** From {@code stateDir} (null: remember nothing); {@code settledMs}: see the class doc. */
    static InputDigests load(Path stateDir, long settledMs) {
      Map<String, Seen> known = new HashMap<>();
      Path file = stateDir == null ? null
          : stateDir.resolve("catalog").resolve("apply-inputs.memo");
      if (file != null) {
        try (DataInputStream in = new DataInputStream(
            new ByteArrayInputStream(Files.readAllBytes(file)))) {
          if (in.readInt() == VERSION) {
            for (int n = in.readInt(); n > 0; n--) {
              String path = in.readUTF();
              String stat = in.readUTF();
              byte[] digest = new byte[in.readUnsignedByte()];
              in.readFully(digest);
              known.put(path, new Seen(stat, digest));
            }
          }
        } catch (IOException e) {
          known.clear(); // missing or damaged: hash everything again
        }
      }
      return new InputDigests(file, known, settledMs);
    }

    /** The SHA-256 of {@code path}'s bytes. */
    byte[] of(Path path) throws IOException {
      String name = path.toAbsolutePath().normalize().toString();
      String stat = file == null ? null : stat(path);
      Seen seen = known.get(name);
      if (stat != null && seen != null && seen.stat().equals(stat)) {
        used.put(name, seen);
        return seen.digest();
      }
      byte[] digest = sha256().digest(Files.readAllBytes(path));
      // Stat again after reading: a file that changed meanwhile is not remembered.
      if (stat != null && settled(path) && stat.equals(stat(path))) {
        used.put(name, new Seen(stat, digest));
        changed = true;
      }
      return digest;
    }

    /** Keeps the digests used this time (files no longer read are forgotten). */
    void saveIfChanged() throws IOException {
      if (file == null || (!changed && used.size() == known.size())) {
        return;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(VERSION);
        out.writeInt(used.size());
        for (Map.Entry<String, Seen> e : used.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeUTF(e.getValue().stat());
          out.writeByte(e.getValue().digest().length);
          out.write(e.getValue().digest());
        }
      }
      Files.createDirectories(file.getParent());
      AtomicFiles.writePrivate(file, bytes.toByteArray());
    }

    private static String stat(Path path) throws IOException {
      Map<String, Object> a = Files.readAttributes(path,
          "unix:dev,ino,size,lastModifiedTime,ctime");
      return a.get("dev") + ":" + a.get("ino") + ":" + a.get("size") + ":"
          + nanos(a.get("lastModifiedTime")) + ":" + nanos(a.get("ctime"));
    }

    private boolean settled(Path path) throws IOException {
      Map<String, Object> a = Files.readAttributes(path, "unix:lastModifiedTime,ctime");
      long newest = Math.max(((FileTime) a.get("lastModifiedTime")).toMillis(),
          ((FileTime) a.get("ctime")).toMillis());
      return System.currentTimeMillis() - newest >= settledMs;
    }

    private static long nanos(Object time) {
      return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
  }
}
