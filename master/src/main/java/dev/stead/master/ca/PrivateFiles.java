package dev.stead.master.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Writes key material so that it is never readable by others, not even for a moment: the
 * file is created with its final mode and renamed into place.
 */
public final class PrivateFiles {
  private static final Logger LOG = Logger.getLogger(PrivateFiles.class.getName());
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Creates {@code dir} (and parents) and sets it to owner-only (0700). */
  public static void ownerOnlyDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (POSIX) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Atomically writes {@code content} with mode 0600. */
  public static void writeSecret(Path file, String content) throws IOException {
    write(file, content, "rw-------");
  }

  /**
   * The first line of an owner-only file that holds a secret, stripped.
   *
   * @param what names the file in errors, e.g. "autosign challenge file"
   * @throws IOException when the file is missing, readable by group or others, or its first
   *     line is shorter than {@code minLength}
   */
  public static String readSecretLine(Path file, String what, int minLength)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + " " + file + " does not exist");
    }
    if (POSIX) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP")
          || p.name().startsWith("OTHERS"))) {
        throw new IOException(what + " " + file + " is readable by others; chmod 600 it");
      }
    }
    String line = Files.readString(file, StandardCharsets.UTF_8).lines()
        .findFirst().orElse("").strip();
    if (line.length() < minLength) {
      throw new IOException(what + " " + file + ": the secret on its first line must be at "
          + "least " + minLength + " characters");
    }
    return line;
  }

  /**
   * Sets an existing secret file back to 0600 when group or others may read it (an operator's
   * copy or restore can widen it); logs a warning, since it means the key may have leaked.
   */
  public static void tightenSecret(Path file) throws IOException {
    if (!POSIX) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
    if (!owner.containsAll(now)) {
      Files.setPosixFilePermissions(file, owner);
      LOG.warning(file + " was readable by others (mode " + PosixFilePermissions.toString(now)
          + "); set it to rw-------");
    }
  }

  /** Atomically writes {@code content} with mode 0644 (certificates, addresses). */
  public static void writePublic(Path file, String content) throws IOException {
    write(file, content, "rw-r--r--");
  }

  private static void write(Path file, String content, String mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp;
    if (POSIX) {
      Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
      FileAttribute<Set<PosixFilePermission>> attribute =
          PosixFilePermissions.asFileAttribute(permissions);
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attribute);
      // The umask may have narrowed the mode at creation; set it exactly.
      Files.setPosixFilePermissions(temp, permissions);
    } else {
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    }
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
