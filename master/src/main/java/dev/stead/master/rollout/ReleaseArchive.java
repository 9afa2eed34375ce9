package dev.stead.master.rollout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A frozen copy of code as one gzipped blob, for the masters of a shared store that did not
 * make it: each directory and regular file by its relative path, a file with its bytes and
 * permissions ({@code rwxr-x---}) (a module's fact scripts must stay executable). Read back, every path must
 * stay beneath the directory it is unpacked into.
 */
final class ReleaseArchive {
  private static final String MAGIC = "stead-release-1";
  private static final int DIRECTORY = -1;

  private ReleaseArchive() {}

  /** The tree under {@code root} (regular files and directories, as the copy holds them). */
  static byte[] write(Path root) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
      out.writeUTF(MAGIC);
      List<Path> entries = new ArrayList<>();
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root)) {
            entries.add(dir);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            entries.add(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
      for (Path entry : entries) {
        out.writeUTF(root.relativize(entry).toString().replace('\\', '/'));
        out.writeUTF(PosixFilePermissions.toString(
            Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS)));
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          out.writeLong(DIRECTORY);
        } else {
          byte[] content = Files.readAllBytes(entry);
          out.writeLong(content.length);
          out.write(content);
        }
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Unpacks {@code archive} into {@code target}, a directory that does not exist yet.
   *
   * @throws IOException when the archive is not one or names a path outside {@code target}
   */
  static void read(byte[] archive, Path target) throws IOException {
    Files.createDirectories(target);
    try (DataInputStream in = new DataInputStream(
        new GZIPInputStream(new ByteArrayInputStream(archive)))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IOException("not a frozen copy of code");
      }
      while (true) {
        String name;
        try {
          name = in.readUTF();
        } catch (EOFException end) {
          return;
        }
        Path path = beneath(target, name);
        String mode = in.readUTF();
        long size = in.readLong();
        if (size == DIRECTORY) {
          // With the master's default permissions, as the copy it was made from has them.
          Files.createDirectories(path);
          continue;
        }
        // gzip inflates at most ~1,032 times: a larger size is not this archive's.
        if (size < 0 || size > Math.min(Integer.MAX_VALUE, archive.length * 1032L)) {
          throw new IOException("entry " + name + " has an impossible size " + size);
        }
        byte[] content = in.readNBytes((int) size);
        if (content.length != size) {
          throw new IOException("entry " + name + " is cut short");
        }
        Files.createDirectories(path.getParent());
        Files.write(path, content);
        Files.setPosixFilePermissions(path, permissions(mode));
      }
    }
  }

  private static Path beneath(Path target, String name) throws IOException {
    Path path = target.resolve(name).normalize();
    if (name.isEmpty() || name.startsWith("/") || !path.startsWith(target)
        || path.equals(target)) {
      throw new IOException("entry '" + name + "' leads outside the frozen copy");
    }
    return path;
  }

  private static Set<PosixFilePermission> permissions(String mode) throws IOException {
    Set<PosixFilePermission> out;
    try {
      out = EnumSet.copyOf(PosixFilePermissions.fromString(mode));
    } catch (IllegalArgumentException e) {
      throw new IOException("a mode '" + mode + "' is not one of a file", e);
    }
    // The master reads its copy, and deletes it once no node gets it.
    out.add(PosixFilePermission.OWNER_READ);
    out.add(PosixFilePermission.OWNER_WRITE);
    return out;
  }
}
