package dev.stead.dsl.internal;

import groovy.lang.GroovySystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a compile's bytes depend on besides the code: the Stead language's own classes (the
 * sandbox, its transforms and the script base classes) and the catalog's wire form and
 * digest (a digest of the jars or directories they are loaded from, so a rebuilt Stead of the
 * same version number still counts as another), Groovy's version, the Java version, and the
 * {@code groovy.*} system properties the compiler's defaults read. Computed once per process.
 *
 * <p>A jar counts by its directory: each entry's name, CRC-32 and size, which change with its
 * content. Digesting the two jars' bytes whole (1.9 MB) took ~0.16 s of a cold master's start,
 * ahead of its first compile.
 */
public final class CompilerIdentity {
  private CompilerIdentity() {}

  private static final class Holder {
    static final String VALUE = compute();
  }

  /** The identity, as hex; empty when the Stead classes cannot be read (no caching then). */
  public static String value() {
    return Holder.VALUE;
  }

  private static String compute() {
    try {
      MessageDigest sha = ClassCacheFile.sha256();
      for (Class<?> part : List.of(Sandbox.class, dev.stead.wire.Catalogs.class)) {
        CodeSource source = part.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
          return "";
        }
        Path location = Path.of(source.getLocation().toURI());
        if (Files.isDirectory(location)) {
          List<Path> files;
          try (Stream<Path> walk = Files.walk(location)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path f : files) {
            sha.update(location.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(f));
          }
        } else {
          digestEntries(location, sha);
        }
      }
      TreeMap<String, String> properties = new TreeMap<>();
      System.getProperties().forEach((k, v) -> {
        if (String.valueOf(k).startsWith("groovy.")) {
          properties.put(String.valueOf(k), String.valueOf(v));
        }
      });
      String rest = "groovy " + GroovySystem.getVersion() + "\0java "
          + Runtime.version().feature() + "\0" + properties;
      sha.update(rest.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException | UncheckedIOException | URISyntaxException
        | IllegalArgumentException | SecurityException e) {
      return "";
    }
  }

  /** Each entry of the jar at {@code jar}, in its directory's order: name, CRC-32, size. */
  static void digestEntries(Path jar, MessageDigest sha) throws IOException {
    ByteBuffer numbers = ByteBuffer.allocate(2 * Long.BYTES);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        sha.update(entry.getName().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        numbers.clear();
        numbers.putLong(entry.getCrc()).putLong(entry.getSize());
        sha.update(numbers.array());
      }
    }
  }
}
