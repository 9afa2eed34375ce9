package dev.stead.agent.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system as Facter names it, from {@code /etc/os-release} (and, on Debian,
 * {@code /etc/debian_version} for the point release). Immutable.
 */
public record OsRelease(String family, String name, String releaseFull, String releaseMajor) {
  private static final Map<String, String> FAMILIES = Map.of(
      "debian", "Debian", "ubuntu", "Debian", "rhel", "RedHat", "fedora", "RedHat",
      "centos", "RedHat", "suse", "Suse", "arch", "Archlinux", "alpine", "Alpine");

  public static OsRelease read(Path osRelease, Path debianVersion) {
    Map<String, String> fields = new HashMap<>();
    try {
      fields = parse(Files.readAllLines(osRelease, StandardCharsets.UTF_8));
    } catch (IOException e) {
      // an unknown system: the fallbacks below apply
    }
    String id = fields.getOrDefault("ID", "linux");
    String family = null;
    for (String candidate : (id + " " + fields.getOrDefault("ID_LIKE", "")).trim().split("\\s+")) {
      if (family == null && FAMILIES.containsKey(candidate)) {
        family = FAMILIES.get(candidate);
      }
    }
    if (family == null) {
      family = capitalize(id);
    }
    String name = capitalize(id);
    String full = fields.getOrDefault("VERSION_ID", "");
    if (id.equals("debian")) {
      try {
        String v = Files.readString(debianVersion, StandardCharsets.UTF_8).trim();
        if (v.matches("[0-9]+(\\.[0-9]+)*")) {
          full = v;
        }
      } catch (IOException e) {
        // keep VERSION_ID
      }
    }
    int dot = full.indexOf('.');
    String major = dot > 0 ? full.substring(0, dot) : full;
    return new OsRelease(family, name, full, major);
  }

  static Map<String, String> parse(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith("#")) {
        continue;
      }
      String value = line.substring(eq + 1).trim();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(line.substring(0, eq).trim(), value);
    }
    return out;
  }

  private static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    if (s.equals("rhel")) {
      return "RedHat";
    }
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
