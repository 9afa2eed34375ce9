package dev.stead.agent.resource.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is mounted, as the kernel says in /proc/self/mounts (same format and escapes as
 * fstab). Immutable snapshot.
 */
final class MountTable {
  /** One mounted file system. */
  record Mounted(String source, String fstype, String options) {}

  private static final Pattern LOOP = Pattern.compile("/dev/loop(\\d+)");
  private final String text;

  private MountTable(String text) {
    this.text = text;
  }

  static MountTable read(Path procMounts) throws IOException {
    return new MountTable(Files.readString(procMounts, StandardCharsets.UTF_8));
  }

  /** The file system mounted at {@code mountPoint}: the last one, which hides the others. */
  Optional<Mounted> at(String mountPoint) {
    Mounted found = null;
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 4 && FstabEntry.unescape(f[1]).equals(mountPoint)) {
        found = new Mounted(FstabEntry.unescape(f[0]), f[2], f[3]);
      }
    }
    return Optional.ofNullable(found);
  }

  /** Every mount point, in mount order, each once. */
  List<String> mountPoints() {
    Set<String> out = new LinkedHashSet<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 4) {
        out.add(FstabEntry.unescape(f[1]));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether the kernel's {@code source} is {@code wanted} as fstab names it: the same string,
   * the same device through {@code UUID=}/{@code LABEL=} or a symbolic link, or a loop device
   * whose backing file is {@code wanted}.
   */
  static boolean sameDevice(String wanted, String source) {
    if (wanted.equals(source)) {
      return true;
    }
    String w = canonical(wanted);
    if (w.equals(canonical(source))) {
      return true;
    }
    Matcher loop = LOOP.matcher(source);
    if (loop.matches()) {
      try {
        String backing = Files.readString(Path.of("/sys/block/loop" + loop.group(1)
            + "/loop/backing_file"), StandardCharsets.UTF_8).strip();
        return w.equals(canonical(backing));
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  private static String canonical(String device) {
    String path = device.startsWith("UUID=") ? "/dev/disk/by-uuid/" + device.substring(5)
        : device.startsWith("LABEL=") ? "/dev/disk/by-label/" + device.substring(6)
        : device;
    if (!path.startsWith("/")) {
      return path;
    }
    try {
      return Path.of(path).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return path;
    }
  }
}
