package dev.stead.dsl.module;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions a dependency accepts, written as Puppet's metadata writes them: comparators
 * separated by spaces, all of which must hold ({@code ">=1.0.0 <2.0.0"}); an exact version
 * ({@code 1.2.0}); an x-range ({@code 1.x}, {@code 1.2.x}); or {@code *} for any version.
 * Comparators are {@code >=}, {@code >}, {@code <=}, {@code <} and {@code =}; a version in
 * a comparator may leave out its minor and patch ({@code <2} is {@code <2.0.0}). Immutable.
 */
public final class VersionRange {
  private static final Pattern COMPARATOR =
      Pattern.compile("(>=|<=|>|<|=)?\\s*(\\d+)(?:\\.(\\d+|x|\\*))?(?:\\.(\\d+|x|\\*))?"
          + "(?:-([0-9A-Za-z.-]+))?");

  private record Bound(String op, ModuleVersion version) {
    boolean accepts(ModuleVersion v) {
      int c = v.compareTo(version);
      return switch (op) {
        case ">=" -> c >= 0;
        case ">" -> c > 0;
        case "<=" -> c <= 0;
        case "<" -> c < 0;
        default -> c == 0;
      };
    }
  }

  private final String text;
  private final List<Bound> bounds;

  private VersionRange(String text, List<Bound> bounds) {
    this.text = text;
    this.bounds = List.copyOf(bounds);
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the part that is not understood
   */
  public static VersionRange parse(String text) {
    String s = text == null ? "" : text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("an empty version range: write e.g. \">=1.0.0 <2.0.0\""
          + " or \"1.x\", or leave 'version' out to accept any version");
    }
    if (s.equals("*")) {
      return new VersionRange(s, List.of());
    }
    List<Bound> bounds = new ArrayList<>();
    // Let ">= 1.0.0" (a space after the operator) read as one comparator.
    for (String part : s.replaceAll("(>=|<=|>|<|=)\\s+", "$1").split("\\s+")) {
      Matcher m = COMPARATOR.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + part + "' in version range '" + s
            + "' is not understood: write comparators such as >=1.0.0 and <2.0.0, an exact"
            + " version, or an x-range such as 1.x");
      }
      bounds.addAll(boundsOf(m, part, s));
    }
    return new VersionRange(s, bounds);
  }

  private static List<Bound> boundsOf(Matcher m, String part, String whole) {
    String op = m.group(1);
    long major = Long.parseLong(m.group(2));
    String minor = m.group(3);
    String patch = m.group(4);
    String pre = m.group(5);
    boolean wildMinor = minor == null || minor.equals("x") || minor.equals("*");
    boolean wildPatch = wildMinor || patch == null || patch.equals("x") || patch.equals("*");
    if (pre != null && wildPatch) {
      throw new IllegalArgumentException("'" + part + "' in version range '" + whole
          + "': a prerelease needs a full version (e.g. 2.0.0-rc1)");
    }
    long mi = wildMinor ? 0 : Long.parseLong(minor);
    long pa = wildPatch ? 0 : Long.parseLong(patch);
    ModuleVersion low = new ModuleVersion(major, mi, pa, pre);
    if (op != null) {
      if (op.equals("=") && (wildMinor || wildPatch)) {
        return xRange(major, mi, wildMinor);
      }
      return List.of(new Bound(op, low));
    }
    if (wildMinor || wildPatch) {
      return xRange(major, mi, wildMinor);
    }
    return List.of(new Bound("=", low));
  }

  /** {@code 1.x}: {@code >=1.0.0 <2.0.0}; {@code 1.2.x}: {@code >=1.2.0 <1.3.0}. */
  private static List<Bound> xRange(long major, long minor, boolean wildMinor) {
    ModuleVersion low = new ModuleVersion(major, wildMinor ? 0 : minor, 0, "");
    ModuleVersion high = wildMinor ? new ModuleVersion(major + 1, 0, 0, "")
        : new ModuleVersion(major, minor + 1, 0, "");
    return List.of(new Bound(">=", low), new Bound("<", high));
  }

  public boolean accepts(ModuleVersion version) {
    return bounds.stream().allMatch(b -> b.accepts(version));
  }

  /** The range as written (trimmed). */
  @Override
  public String toString() {
    return text;
  }
}
