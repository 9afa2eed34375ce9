package dev.stead.agent.resource.file;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Octal mode strings ({@code 0644}) to and from permission sets. Stateless. */
final class Modes {
  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ};

  private Modes() {}

  /** {@code mode} is validated octal permission bits, e.g. {@code 0644}. */
  static Set<PosixFilePermission> parse(String mode) {
    int bits = Integer.parseInt(mode, 8);
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((bits & (1 << i)) != 0) {
        out.add(BITS[i]);
      }
    }
    return out;
  }

  /**
   * The mode a recursed directory gets for {@code mode} (validated, 4 digits): as Puppet does,
   * each class that may read may also search, or a readable tree could not be entered.
   */
  static String forDirectory(String mode) {
    int bits = Integer.parseInt(mode, 8);
    int search = (bits & 0444) >> 2;
    String octal = Integer.toOctalString(bits | search);
    return "0000".substring(octal.length()) + octal;
  }

  static String render(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (permissions.contains(BITS[i])) {
        bits |= 1 << i;
      }
    }
    // Not String.format: its parser is a measurable part of checking a thousand files.
    String octal = Integer.toOctalString(bits);
    return "0000".substring(octal.length()) + octal;
  }
}
