package dev.stead.dsl.module;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's version: semantic versioning's {@code MAJOR.MINOR.PATCH} with an optional
 * {@code -prerelease}, ordered as semver orders them (numbers numerically, a prerelease
 * before its release). Build metadata ({@code +...}) is not accepted: it would make two
 * different versions compare equal. Immutable.
 */
public record ModuleVersion(long major, long minor, long patch, String prerelease)
    implements Comparable<ModuleVersion> {
  private static final Pattern FORM = Pattern.compile(
      "(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})(?:-([0-9A-Za-z.-]+))?");

  public ModuleVersion {
    prerelease = prerelease == null ? "" : prerelease;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  public static ModuleVersion parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a version: expected "
          + "MAJOR.MINOR.PATCH such as 1.2.0 (optionally with -prerelease, e.g. 2.0.0-rc1)");
    }
    return new ModuleVersion(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)), m.group(4));
  }

  @Override
  public int compareTo(ModuleVersion o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    if (prerelease.isEmpty() || o.prerelease.isEmpty()) {
      // A release sorts after its prereleases.
      return Boolean.compare(prerelease.isEmpty(), o.prerelease.isEmpty());
    }
    return comparePrerelease(prerelease, o.prerelease);
  }

  /** Dot-separated identifiers: numeric ones numerically and before alphanumeric ones. */
  private static int comparePrerelease(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean xn = x[i].chars().allMatch(Character::isDigit);
      boolean yn = y[i].chars().allMatch(Character::isDigit);
      int c;
      if (xn && yn) {
        c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
      } else if (xn != yn) {
        c = xn ? -1 : 1;
      } else {
        c = x[i].compareTo(y[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (prerelease.isEmpty() ? "" : "-" + prerelease);
  }
}
