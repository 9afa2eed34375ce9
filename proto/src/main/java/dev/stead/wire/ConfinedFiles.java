package dev.stead.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reads files of Stead code only from inside a bound: the real path (every link resolved) of
 * a module or an environment. Code may be written by someone who must not read the master's
 * own files (its CA key above all), and a symbolic link is the way out of a directory that a
 * check of the written path ({@code normalize().startsWith}) never sees. A link that stays
 * inside the bound is followed.
 *
 * <p>Opening is race-free where the platform allows (Linux): the resolved path is opened one
 * directory at a time relative to the bound with no link followed, so a link swapped in
 * after the check fails the open instead of redirecting it. Stateless.
 */
public final class ConfinedFiles {
  /** A path that leads outside its bound through a symbolic link. */
  public static final class OutsideBound extends IOException {
    private static final long serialVersionUID = 1L;

    OutsideBound(Path file, Path bound) {
      this(file + " leads outside " + bound + " through a symbolic link");
    }

    /** With {@code message} naming the path as its reader knows it. */
    public OutsideBound(String message) {
      super(message);
    }
  }

  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  private ConfinedFiles() {}

  /**
   * The real path of {@code file}, which must lie inside the real path of {@code bound}.
   *
   * @throws NoSuchFileException when it (or the bound) does not exist
   * @throws OutsideBound when a link takes it outside
   */
  public static Path resolve(Path bound, Path file) throws IOException {
    Path realBound = bound.toRealPath();
    Path real = file.toRealPath();
    if (!real.startsWith(realBound)) {
      throw new OutsideBound(file, bound);
    }
    return real;
  }

  /** Whether {@code file} exists and its real path lies inside {@code bound}'s. */
  public static boolean isInside(Path bound, Path file) {
    try {
      resolve(bound, file);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Opens the regular file {@code file} for reading, having checked that it lies inside
   * {@code bound}; the caller closes the channel.
   *
   * @throws NoSuchFileException when it does not exist or is not a regular file
   * @throws OutsideBound when a link takes it outside, or one was swapped in meanwhile
   */
  public static SeekableByteChannel open(Path bound, Path file) throws IOException {
    Path realBound = bound.toRealPath();
    Path real = resolve(realBound, file);
    Path relative = realBound.relativize(real);
    if (relative.toString().isEmpty()) {
      throw new NoSuchFileException(file.toString(), null, "is a directory, not a file");
    }
    DirectoryStream<Path> top = Files.newDirectoryStream(realBound);
    if (!(top instanceof SecureDirectoryStream<Path> dir)) {
      top.close();
      return openChecked(realBound, real, file, bound);
    }
    try {
      for (int i = 0; i < relative.getNameCount() - 1; i++) {
        SecureDirectoryStream<Path> next;
        try {
          next = dir.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          // The directory resolved a moment ago may now be a link: it is not followed.
          throw swapped(realBound.resolve(relative.subpath(0, i + 1)), file, bound, e);
        }
        dir.close();
        dir = next;
      }
      Path name = relative.getFileName();
      BasicFileAttributes attrs;
      try {
        attrs = dir.getFileAttributeView(name, BasicFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS).readAttributes();
      } catch (IOException e) {
        throw swapped(real, file, bound, e);
      }
      if (attrs.isSymbolicLink()) {
        throw new OutsideBound(file, bound);
      }
      if (!attrs.isRegularFile()) {
        throw new NoSuchFileException(file.toString(), null, "is not a regular file");
      }
      try {
        return dir.newByteChannel(name, READ_NO_FOLLOW);
      } catch (IOException e) {
        throw swapped(real, file, bound, e);
      }
    } finally {
      dir.close();
    }
  }

  /** Opens {@code file} as {@link #open} does, as a stream. */
  public static InputStream newInputStream(Path bound, Path file) throws IOException {
    return Channels.newInputStream(open(bound, file));
  }

  /** The text of {@code file} (UTF-8), read as {@link #open} reads it. */
  public static String readString(Path bound, Path file) throws IOException {
    try (InputStream in = newInputStream(bound, file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Without a race-free directory stream: the last part is opened without following a link,
   * and the path is resolved again after the open; a swap in between is not excluded.
   */
  private static SeekableByteChannel openChecked(Path realBound, Path real, Path file,
      Path bound) throws IOException {
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(file.toString(), null, "is not a regular file");
    }
    SeekableByteChannel channel = Files.newByteChannel(real, READ_NO_FOLLOW);
    if (!real.toRealPath().equals(real) || !real.startsWith(realBound)) {
      channel.close();
      throw new OutsideBound(file, bound);
    }
    return channel;
  }

  /** {@code cause}, or that a link now stands at {@code checked}, which was not one. */
  private static IOException swapped(Path checked, Path file, Path bound, IOException cause) {
    if (!Files.isSymbolicLink(checked)) {
      return cause;
    }
    OutsideBound e = new OutsideBound(file, bound);
    e.initCause(cause);
    return e;
  }
}
