package dev.stead.agent.resource.ini;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The lines of an INI-style file, edited one key at a time so that everything else (comments,
 * blank lines, other keys, order, indentation) stays as written. Immutable.
 */
final class IniLines {
  private final List<String> lines;
  private final String delimiter;

  /** {@code delimiter} is the non-blank character(s) between key and value, e.g. {@code =}. */
  IniLines(List<String> lines, String delimiter) {
    this.lines = List.copyOf(lines);
    this.delimiter = Objects.requireNonNull(delimiter, "delimiter");
  }

  List<String> lines() {
    return lines;
  }

  /**
   * The value of {@code key} in {@code section} (the first when written twice, stripped of
   * blanks), null when the key is not there.
   */
  String value(String section, String key) {
    String current = "";
    for (String line : lines) {
      String header = header(line);
      if (header != null) {
        current = header;
      } else if (current.equals(section) && key.equals(key(line))) {
        return valueOf(line);
      }
    }
    return null;
  }

  /**
   * Sets every line of {@code key} in {@code section} whose value differs to
   * {@code key separator value}, keeping its indentation; adds the key after the section's
   * last key (or its header), or the section at the end, when missing.
   */
  IniLines with(String section, String key, String separator, String value) {
    String entry = key + separator + value;
    List<String> out = new ArrayList<>(lines.size() + 3);
    String current = "";
    boolean found = false;
    int lastOfSection = -1; // index in out after which a new key goes
    boolean sectionSeen = section.isEmpty();
    for (String line : lines) {
      String header = header(line);
      if (header != null) {
        current = header;
        if (current.equals(section)) {
          sectionSeen = true;
          lastOfSection = out.size();
        }
        out.add(line);
        continue;
      }
      String lineKey = key(line);
      if (current.equals(section) && key.equals(lineKey)) {
        found = true;
        out.add(value.equals(valueOf(line)) ? line : indentOf(line) + entry);
      } else {
        out.add(line);
      }
      if (current.equals(section) && lineKey != null) {
        lastOfSection = out.size() - 1;
      }
    }
    if (found) {
      return new IniLines(out, delimiter);
    }
    if (sectionSeen) {
      out.add(lastOfSection + 1, entry);
      return new IniLines(out, delimiter);
    }
    if (!out.isEmpty() && !out.get(out.size() - 1).isBlank()) {
      out.add("");
    }
    out.add("[" + section + "]");
    out.add(entry);
    return new IniLines(out, delimiter);
  }

  /** Removes every line of {@code key} in {@code section}. */
  IniLines without(String section, String key) {
    List<String> out = new ArrayList<>(lines.size());
    String current = "";
    for (String line : lines) {
      String header = header(line);
      if (header != null) {
        current = header;
      } else if (current.equals(section) && key.equals(key(line))) {
        continue;
      }
      out.add(line);
    }
    return new IniLines(out, delimiter);
  }

  /** The section a header line opens, or null when the line is no header. */
  private static String header(String line) {
    String s = line.strip();
    return s.length() >= 2 && s.startsWith("[") && s.endsWith("]")
        ? s.substring(1, s.length() - 1).strip() : null;
  }

  /** The key a line sets, or null for comments, blank lines and lines without delimiter. */
  private String key(String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
      return null;
    }
    int at = line.indexOf(delimiter);
    return at > 0 ? line.substring(0, at).strip() : null;
  }

  private String valueOf(String line) {
    return line.substring(line.indexOf(delimiter) + delimiter.length()).strip();
  }

  private static String indentOf(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return line.substring(0, i);
  }
}
