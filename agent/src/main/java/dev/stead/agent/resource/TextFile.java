package dev.stead.agent.resource;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Line-based edits of a text file that Stead shares with others (/etc/hosts, a sysctl.d
 * file, authorized_keys): read as lines, rewritten atomically through {@link AtomicFiles}
 * with the mode, owner and group the file already had, and the previous content kept in the
 * backup store. Stateless.
 */
public final class TextFile {
  private TextFile() {}

  /** The lines of {@code file} (without newlines), or empty when it does not exist. */
  public static Optional<List<String>> read(Path file) throws IOException {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return Optional.of(lines);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Replaces the file's content by {@code lines}, each ending in a newline. An existing file
   * keeps its attributes and its old content goes to the backups under {@code managedName};
   * a new file gets {@code newFile}.
   */
  public static void write(ApplyContext context, String managedName, Path file,
      List<String> lines, AtomicFiles.Attributes newFile) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    AtomicFiles.Attributes attributes = newFile;
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      context.backups().keep(managedName, Files.readAllBytes(file));
      PosixFileAttributes now = Files.readAttributes(file, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      attributes = new AtomicFiles.Attributes(now.permissions(), now.owner(), now.group());
    }
    AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), attributes);
  }
}
