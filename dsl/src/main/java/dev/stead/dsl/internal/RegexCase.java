package dev.stead.dsl.internal;

import java.util.regex.Pattern;

/**
 * A pattern as a filter or a case value: Groovy calls its {@code isCase} (in {@code grep},
 * {@code switch}), which here matches through {@link BoundedRegex}, so it stops at the
 * compile's time limit. The sandbox puts it where Groovy would have used the pattern; Stead
 * code never holds one. Immutable.
 */
public final class RegexCase {
  private final Pattern pattern;

  RegexCase(Pattern pattern) {
    this.pattern = pattern;
  }

  /** Whether the whole of {@code value}'s string matches, as Groovy's isCase of a Pattern. */
  public boolean isCase(Object value) {
    return BoundedRegex.isCase(pattern, value);
  }

  @Override
  public String toString() {
    return pattern.toString();
  }
}
