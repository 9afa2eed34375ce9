package dev.stead.agent.resource.mount;

import java.util.List;

/**
 * One fstab line's six fields, unescaped (fstab writes a blank inside a field as
 * {@code \040}). Immutable; equal entries are equal field by field, whatever their spacing.
 */
record FstabEntry(String device, String mountPoint, String fstype, String options, long dump,
    long pass) {
  /** The entry a line holds, or null for comments, blank lines and lines too short to mount. */
  static FstabEntry parse(String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return null;
    }
    String[] f = s.split("\\s+");
    if (f.length < 3) {
      return null;
    }
    return new FstabEntry(unescape(f[0]), unescape(f[1]), f[2],
        f.length > 3 ? f[3] : "defaults", number(f, 4), number(f, 5));
  }

  /** Only the mount point, for lines that name one but are otherwise malformed. */
  static String mountPointOf(String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return null;
    }
    String[] f = s.split("\\s+");
    return f.length >= 2 ? unescape(f[1]) : null;
  }

  private static long number(String[] fields, int at) {
    try {
      return fields.length > at ? Long.parseLong(fields[at]) : 0;
    } catch (NumberFormatException e) {
      return -1; // never equal to a desired entry, so the line gets rewritten
    }
  }

  /** The line as Stead writes it: tab-separated, blanks in fields escaped. */
  String line() {
    return String.join("\t", List.of(escape(device), escape(mountPoint), fstype, options,
        Long.toString(dump), Long.toString(pass)));
  }

  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  static String escape(String field) {
    return field.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011");
  }
}
