package dev.stead.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A settings file such as /etc/stead/agent.conf: one {@code key = value} a line, {@code #}
 * starts a comment line, blank lines are ignored. Immutable; a missing file holds nothing.
 */
final class SettingsFile {
  /** One value and the line it came from. */
  record Entry(String value, int line) {}

  private final Path path;
  private final Map<String, Entry> entries;

  private SettingsFile(Path path, Map<String, Entry> entries) {
    this.path = path;
    this.entries = Map.copyOf(entries);
  }

  /**
   * Reads {@code path}; every key must be one of {@code known}.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed line, an unknown
   *     key or a key given twice
   */
  static SettingsFile read(Path path, Set<String> known) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new SettingsFile(path, Map.of());
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = path + ":" + (i + 1) + ": ";
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(where + "expected `key = value`, got `" + line + "`");
      }
      String key = line.substring(0, equals).strip();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(where + "unknown key `" + key + "`; known keys: "
            + String.join(", ", known.stream().sorted().toList()));
      }
      Entry previous = entries.put(key, new Entry(line.substring(equals + 1).strip(), i + 1));
      if (previous != null) {
        throw new IllegalArgumentException(where + "`" + key + "` is already set on line "
            + previous.line());
      }
    }
    return new SettingsFile(path, entries);
  }

  Path path() {
    return path;
  }

  /** The entry for {@code key}, or null when the file does not set it. */
  Entry get(String key) {
    return entries.get(key);
  }
}
