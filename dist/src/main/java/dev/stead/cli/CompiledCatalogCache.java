package dev.stead.cli;

import dev.stead.agent.fs.AtomicFiles;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.Catalogs;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Catalogs compiled by {@code stead apply}, kept in {@code STATE/catalog/apply/<digest>.pb}
 * under a digest of everything the compile reads: the manifest's bytes, every file under
 * each module path entry (name and bytes), the node name, the facts (this machine's without
 * the values that change by themselves, see {@code FactCollector.withoutVolatile}; or the
 * bytes of the {@code --facts} file), and the stead build
 * itself (name, size and mtime of each class-path jar, so an upgraded compiler never reuses
 * an old catalog). The compiler is deterministic (same code and facts, byte-identical
 * catalog), so a hit is exactly what compiling would give, without loading Groovy. A stored
 * catalog is used only when its own content digest verifies. The newest {@value #KEEP} are
 * kept. Not thread-safe; one apply at a time per state directory.
 */
final class CompiledCatalogCache {
  static final int KEEP = 8;
  private final Path dir;

  CompiledCatalogCache(Path stateDir) {
    this.dir = stateDir.resolve("catalog").resolve("apply");
  }

  /** The cache key for these compile inputs ({@code factsBytes}: facts as exact bytes). */
  static String key(Path manifest, List<Path> modulePath, String node, byte[] factsBytes)
      throws IOException {
    MessageDigest sha = sha256();
    field(sha, "stead-apply-cache/1");
    field(sha, node);
    field(sha, factsBytes);
    field(sha, Files.readAllBytes(manifest));
    for (Path entry : modulePath) {
      field(sha, "modulepath:" + entry.toAbsolutePath().normalize());
      for (Path f : files(entry)) {
        field(sha, entry.relativize(f).toString());
        field(sha, Files.readAllBytes(f));
      }
    }
    for (String jar : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      Path p = Path.of(jar);
      if (Files.isRegularFile(p)) {
        field(sha, jar + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  Optional<Catalog> find(String key) {
    try {
      Catalog c = Catalog.parseFrom(Files.readAllBytes(dir.resolve(key + ".pb")));
      return Catalogs.verify(c) ? Optional.of(c) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable or damaged: compile again and overwrite
    }
  }

  void store(String key, Catalog catalog) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writePrivate(dir.resolve(key + ".pb"), catalog.toByteArray());
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
}
