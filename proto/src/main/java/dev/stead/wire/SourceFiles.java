package dev.stead.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one reading of a {@code file} resource's {@code source}, shared by the compiler (which
 * reads and hashes the file), the master (which serves it) and {@code stead apply} (which
 * reads it locally): {@code module/path} names {@code <module>/files/path}, as
 * {@code template('module/file')} names {@code <module>/templates/file}. Stateless.
 */
public final class SourceFiles {
  /** The prefix of a source the agent downloads itself, checked by a checksum the code gives. */
  public static final String HTTPS_PREFIX = "https://";
  /** The Puppet-style spelling, accepted and rewritten to {@code module/path}. */
  public static final String URL_PREFIX = "stead:///modules/";
  /** The directory of a module holding the custom facts it ships to the agents using it. */
  public static final String FACTS_DIR = "facts.d";
  /** What a directory must hold to be a module (as the code loader decides). */
  private static final List<String> MODULE_PARTS =
      List.of("manifests", "templates", "files", "data");
  private static final Pattern CHECKSUM = Pattern.compile("sha256:[0-9a-f]{64}");
  /** Bytes per {@code FileChunk}: far below gRPC's 4 MiB message limit. */
  public static final int CHUNK_BYTES = 64 * 1024;

  private SourceFiles() {}

  /**
   * {@code source} as {@code module/path}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static String canonical(String source) {
    String name = source.startsWith(URL_PREFIX) ? source.substring(URL_PREFIX.length()) : source;
    if (source.contains("://") && !source.startsWith(URL_PREFIX)) {
      throw new IllegalArgumentException("source '" + source + "' must be 'module/path', '"
          + URL_PREFIX + "module/path' or an " + HTTPS_PREFIX + " URL with a checksum");
    }
    int slash = name.indexOf('/');
    if (slash <= 0 || slash == name.length() - 1) {
      throw new IllegalArgumentException("source '" + source + "' must be 'module/path', e.g."
          + " 'app/app.conf' for modules/app/files/app.conf");
    }
    String rest = name.substring(slash + 1);
    for (String part : rest.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("source '" + source
            + "' must be a plain path inside the module's files/ (no '', '.' or '..' parts)");
      }
    }
    return name;
  }

  /**
   * Whether {@code source} is a URL the agent downloads itself rather than a module file the
   * master serves.
   */
  public static boolean isHttps(String source) {
    return source != null && source.regionMatches(true, 0, HTTPS_PREFIX, 0,
        HTTPS_PREFIX.length());
  }

  public static String module(String canonical) {
    return canonical.substring(0, canonical.indexOf('/'));
  }

  /** {@code <moduleDir>/files/<path>} for a canonical name; it may not exist. */
  public static Path inModule(Path moduleDir, String canonical) {
    return moduleDir.resolve("files").resolve(canonical.substring(canonical.indexOf('/') + 1));
  }

  /**
   * Opens the file a canonical name points at under module roots searched in order (the
   * first directory named like the module that is a module wins, as in the code loader),
   * reading it as {@link ConfinedFiles} does: the module's directory must
   * lie inside the root that lists it, and the file inside the module's real directory. For
   * whoever serves or copies a source after the compile, when the file may have become a link.
   *
   * @throws java.nio.file.NoSuchFileException when no root has the module or it has no such
   *     regular file
   * @throws ConfinedFiles.OutsideBound with a message naming the source or module
   */
  public static SeekableByteChannel open(List<Path> moduleRoots,
      String canonical) throws IOException {
    return open(moduleRoots, ModuleFile.ofSource(canonical));
  }

  /**
   * A file a module serves: its module and its path inside the module's directory,
   * {@code files/...} for a {@code source}, {@code facts.d/NAME} for a custom fact the module
   * ships. Immutable.
   */
  public record ModuleFile(String module, String path) {
    /** The file a canonical {@code source} names. */
    public static ModuleFile ofSource(String canonical) {
      return new ModuleFile(SourceFiles.module(canonical),
          "files/" + canonical.substring(canonical.indexOf('/') + 1));
    }

    /** The fact file {@code name} of the module's {@code facts.d/}. */
    public static ModuleFile ofFact(String module, String name) {
      return new ModuleFile(module, FACTS_DIR + "/" + name);
    }

    /** How messages name it: {@code module/path}. */
    @Override
    public String toString() {
      return module + "/" + path;
    }
  }

  /**
   * As {@link #open(List, String)}, for any file of a module: the first directory named like
   * the module that is a module wins, the module must lie inside its root, and the file inside
   * the module's real directory.
   */
  public static SeekableByteChannel open(List<Path> moduleRoots,
      ModuleFile file) throws IOException {
    String module = file.module();
    for (Path root : moduleRoots) {
      Path dir = root.resolve(module);
      if (MODULE_PARTS.stream().anyMatch(p -> Files.isDirectory(dir.resolve(p)))) {
        Path realModule;
        try {
          realModule = ConfinedFiles.resolve(root, dir);
        } catch (ConfinedFiles.OutsideBound e) {
          throw new ConfinedFiles.OutsideBound("module directory " + module + " leads outside "
              + root + " through a symbolic link");
        }
        try {
          return ConfinedFiles.open(realModule, realModule.resolve(file.path()));
        } catch (ConfinedFiles.OutsideBound e) {
          throw new ConfinedFiles.OutsideBound((file.path().startsWith("files/")
              ? "source " + module + "/" + file.path().substring("files/".length())
              : file.toString()) + " leads outside module '" + module + "' through a symbolic"
              + " link (a link may only point inside its module)");
        }
      }
    }
    throw new NoSuchFileException(file.toString(), null,
        "no module '" + module + "' in " + moduleRoots);
  }

  /** {@code sha256:<hex>} of {@code bytes}, the form of the {@code checksum} parameter. */
  public static String checksum(byte[] bytes) {
    return "sha256:" + Catalogs.sha256Hex(bytes);
  }

  /** {@code sha256:<hex>} of the file at {@code path}, read in pieces (it may be large). */
  public static String checksum(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return checksum(in);
    }
  }

  /** {@code sha256:<hex>} of what is left in {@code in}, read in pieces; not closed. */
  public static String checksum(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[CHUNK_BYTES];
    for (int n; (n = in.read(buffer)) > 0; ) {
      sha.update(buffer, 0, n);
    }
    return format(sha);
  }

  /** A fresh SHA-256 digest, the algorithm of every checksum. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** {@code sha256:<hex>} of what {@code sha} has digested (which resets it). */
  public static String format(MessageDigest sha) {
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  public static boolean isChecksum(String value) {
    return value != null && CHECKSUM.matcher(value).matches();
  }
}
