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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A cheap fingerprint of code trees ({@link #of}): path, size and modification time of every
 * regular file, and where each symbolic link points, without reading contents, so it can run
 * before every compile; and a fingerprint of their contents ({@link #ofContents}). Inside
 * {@code .git} only {@code HEAD}, {@code packed-refs} and {@code refs/} count: a commit changes the code
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
      Optional<Path> walked = realDirectory(root);
      if (walked.isEmpty()) {
        continue;
      }
      digest.update(("at " + walked.get() + "\n").getBytes(StandardCharsets.UTF_8));
      for (Entry e : entries(root, walked.get())) {
        digest.update((e.relative() + (e.link() == null
            ? "\0" + e.size() + "\0" + e.modifiedMs() : "\0-> " + e.link()) + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Hex SHA-256 over the contents of the same files, in sorted order, under each root's
   * position in {@code roots} rather than its path: equal for equal code wherever it lies,
   * on this machine or another master's, and different for any edit, whatever its size and
   * modification time. Reads every file: for what must never mistake one code for another.
   */
  public static String ofContents(List<Path> roots) {
    MessageDigest digest = sha256();
    for (int i = 0; i < roots.size(); i++) {
      digest.update(("root " + i + "\n").getBytes(StandardCharsets.UTF_8));
      Optional<Path> walked = realDirectory(roots.get(i));
      if (walked.isEmpty()) {
        continue;
      }
      for (Entry e : entries(roots.get(i), walked.get())) {
        if (e.link() != null) {
          digest.update((e.relative() + "\0-> " + e.link() + "\n")
              .getBytes(StandardCharsets.UTF_8));
          continue;
        }
        byte[] content;
        try {
          content = Files.readAllBytes(walked.get().resolve(e.relative()));
        } catch (NoSuchFileException gone) {
          continue; // deleted meanwhile: an edit, hashed as what is there now
        } catch (IOException failed) {
          throw new UncheckedIOException("cannot read the code in " + roots.get(i), failed);
        }
        digest.update((e.relative() + "\0" + content.length + "\0")
            .getBytes(StandardCharsets.UTF_8));
        digest.update(content);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** One file of a code tree: a regular file's size and time, or where a link points. */
  private record Entry(String relative, long size, long modifiedMs, String link) {}

  /** Where {@code root} points, when it is a directory (a root may be a deploy's link). */
  private static Optional<Path> realDirectory(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try {
      return Optional.of(root.toRealPath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan the code in " + root, e);
    }
  }

  /** The files of a code tree that count, sorted by relative path. */
  private static List<Entry> entries(Path root, Path walked) {
    List<Entry> out = new ArrayList<>();
    try {
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
            out.add(new Entry(relative.toString(), attrs.size(),
                attrs.lastModifiedTime().toMillis(), null));
          } else if (attrs.isSymbolicLink()) {
            // Pointed elsewhere, a link changes what the code reads (or makes it refused).
            out.add(new Entry(relative.toString(), 0, 0, target(file)));
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
    out.sort(Comparator.comparing(Entry::relative));
    return out;
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
