package dev.stead.agent.resource.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every entry of an archive before anything is written, so that an archive that
 * would reach outside the directory it is unpacked into is refused whole: no absolute
 * names, no {@code ..}, no entry written through a symbolic link (the archive's or one
 * already in the directory), no hard link but to a file earlier in the same archive, no
 * devices or pipes, and no symbolic link that leads outside the directory, following the
 * archive's other links and those already there on the way. One per archive; not
 * thread-safe.
 */
final class EntryNames {
  private static final int MAX_HOPS = 40;

  private final Path target;
  private final Set<String> files = new HashSet<>();
  /** The archive's symbolic links so far: path inside the target to link text. */
  private final Map<String, String> links = new LinkedHashMap<>();
  /** Names of the archive's entries by path, for messages about links. */
  private final Map<String, String> linkEntries = new LinkedHashMap<>();
  private final Set<String> plainDirectories = new HashSet<>();

  /** @param target the directory to unpack into, as a real path */
  EntryNames(Path target) {
    this.target = target;
  }

  /** Thrown for the first entry that may not be unpacked; the message names it and why. */
  static final class UnsafeEntry extends IOException {
    UnsafeEntry(String entry, String why) {
      super("entry '" + entry + "' " + why);
    }
  }

  /**
   * The entry's path inside the target as components ({@code a/./b/} is {@code [a, b]});
   * empty for the target itself ({@code ./}).
   */
  static List<String> components(String name) throws UnsafeEntry {
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeEntry(name, "has a NUL character in its name");
    }
    if (name.startsWith("/")) {
      throw new UnsafeEntry(name, "has an absolute name: it would be written outside"
          + " extract_path");
    }
    List<String> out = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafeEntry(name, "has a `..` part: it would be written outside"
            + " extract_path");
      }
      out.add(part);
    }
    return out;
  }

  /** Checks {@code entry} against the rules and what came before it in the archive. */
  void check(ArchiveEntry entry) throws IOException {
    String name = entry.name();
    List<String> parts = components(name);
    if (entry.kind() == ArchiveEntry.Kind.OTHER) {
      throw new UnsafeEntry(name, "is a device, pipe or socket, which is never unpacked");
    }
    if (parts.isEmpty()) {
      if (entry.kind() != ArchiveEntry.Kind.DIRECTORY) {
        throw new UnsafeEntry(name, "would replace extract_path itself");
      }
      return;
    }
    for (int i = 1; i < parts.size(); i++) {
      String above = String.join("/", parts.subList(0, i));
      if (links.containsKey(above)) {
        throw new UnsafeEntry(name, "would be written through the archive's symbolic link '"
            + linkEntries.get(above) + "'");
      }
      if (plainDirectories.add(above) && Files.isSymbolicLink(target.resolve(above))) {
        plainDirectories.remove(above);
        throw new UnsafeEntry(name, "would be written through the symbolic link "
            + target.resolve(above) + " that is already there");
      }
    }
    String path = String.join("/", parts);
    links.remove(path);
    switch (entry.kind()) {
      case SYMLINK -> {
        if (entry.link().isEmpty()) {
          throw new UnsafeEntry(name, "is a symbolic link without a target");
        }
        if (entry.link().startsWith("/")) {
          throw new UnsafeEntry(name, "is a symbolic link to the absolute path "
              + entry.link() + ", outside extract_path");
        }
        links.put(path, entry.link());
        linkEntries.put(path, name);
      }
      case HARDLINK -> {
        String to;
        try {
          to = String.join("/", components(entry.link()));
        } catch (UnsafeEntry e) {
          throw new UnsafeEntry(name, "is a hard link to '" + entry.link() + "', which leads"
              + " outside extract_path");
        }
        if (!files.contains(to)) {
          throw new UnsafeEntry(name, "is a hard link to '" + entry.link() + "', which is not"
              + " a file earlier in the archive");
        }
        files.add(path);
      }
      case FILE -> files.add(path);
      default -> {
        // A directory: nothing more to remember.
      }
    }
  }

  /**
   * After every entry is checked: each symbolic link, followed through the archive's other
   * links and the ones already in the target, must end inside the target.
   */
  void checkLinks() throws IOException {
    for (Map.Entry<String, String> link : links.entrySet()) {
      List<String> parts = new ArrayList<>(Arrays.asList(link.getKey().split("/")));
      parts.remove(parts.size() - 1);
      if (leadsOut(parts, link.getValue())) {
        throw new UnsafeEntry(linkEntries.get(link.getKey()), "is a symbolic link to "
            + link.getValue() + ", which leads outside extract_path");
      }
    }
  }

  /** Whether {@code text}, read from directory {@code dir} of the target, leads out of it. */
  private boolean leadsOut(List<String> dir, String text) throws IOException {
    List<String> at = new ArrayList<>(dir);
    Deque<String> pending = new ArrayDeque<>(Arrays.asList(text.split("/")));
    int hops = 0;
    while (!pending.isEmpty()) {
      String part = pending.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (at.isEmpty()) {
          return true;
        }
        at.remove(at.size() - 1);
        continue;
      }
      at.add(part);
      String key = String.join("/", at);
      String next = links.get(key);
      if (next == null && !files.contains(key)) {
        Path onDisk = target.resolve(key);
        if (Files.isSymbolicLink(onDisk)) {
          next = Files.readSymbolicLink(onDisk).toString();
        }
      }
      if (next == null) {
        continue;
      }
      if (++hops > MAX_HOPS) {
        return true;
      }
      at.remove(at.size() - 1);
      if (next.startsWith("/")) {
        Path absolute = Path.of(next).normalize();
        if (!absolute.startsWith(target)) {
          return true;
        }
        at = new ArrayList<>();
        for (Path p : target.relativize(absolute)) {
          if (!p.toString().isEmpty()) {
            at.add(p.toString());
          }
        }
        continue;
      }
      List<String> expanded = Arrays.asList(next.split("/"));
      for (int i = expanded.size() - 1; i >= 0; i--) {
        pending.addFirst(expanded.get(i));
      }
    }
    return false;
  }
}
