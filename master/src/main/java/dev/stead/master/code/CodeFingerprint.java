package dev.stead.master.code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A cheap fingerprint of code trees: path, size and modification time of every regular
 * file, and where each symbolic link points, without reading contents, so it can run before every compile. Inside {@code .git}
 * only {@code HEAD}, {@code packed-refs} and {@code refs/} count: a commit changes the code
 * version even when no file in the work tree changed, and the object store is too big to
 * walk each time. The {@code environments/} directory of a root with a {@code site.groovy} is
 * not walked: it holds the other environments of a code directory (see {@link Environments}).
 */
public final class CodeFingerprint {
  private CodeFingerprint() {}

  /** Hex SHA-256 over the listing of every root in order; missing roots count as empty. */
  public static String of(List<Path> roots) {
    MessageDigest digest = sha256();
    for (Path root : roots) {
      digest.update(("root " + root + "\n").getBytes(StandardCharsets.UTF_8));
      if (!Files.isDirectory(root)) {
        continue;
      }
      try {
        // A root may be a link (a deploy pointing the code at a release): walk what it
        // points at, and count where that is.
        Path walked = root.toRealPath();
        digest.update(("at " + walked + "\n").getBytes(StandardCharsets.UTF_8));
        Files.walkFileTree(walked, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            Path relative = walked.relativize(dir);
            // The other environments of a code directory served as production: each has a
            // fingerprint of its own, and their releases hold whole git clones.
            if (relative.toString().equals(Environments.DIRECTORY)
                && Files.isRegularFile(walked.resolve("site.groovy"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (relative.getNameCount() >= 2 && relative.getName(0).toString().equals(".git")
                && !relative.getName(1).toString().equals("refs")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            Path relative = walked.relativize(file);
            if (relative.getNameCount() == 2 && relative.getName(0).toString().equals(".git")) {
              String name = relative.getName(1).toString();
              if (!name.equals("HEAD") && !name.equals("packed-refs")) {
                return FileVisitResult.CONTINUE;
              }
            }
            if (attrs.isRegularFile()) {
              digest.update((relative + "\0" + attrs.size() + "\0"
                  + attrs.lastModifiedTime().toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            } else if (attrs.isSymbolicLink()) {
              // Pointed elsewhere, a link changes what the code reads (or makes it refused).
              digest.update((relative + "\0-> " + target(file) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            // A file deleted while we walk is an ordinary edit, not an error.
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot scan the code in " + root, e);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?"; // gone meanwhile: the listing changes anyway
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
