package dev.stead.master.ca;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides whether a valid CSR is signed as soon as it arrives, without an operator. Off by
 * default. Implementations are immutable and thread-safe; only {@link ValidatedCsr}s reach
 * them, so a policy never sees a malformed request.
 */
@FunctionalInterface
public interface AutosignPolicy {

  boolean allows(ValidatedCsr csr);

  /** Never autosign: every request waits for {@code stead ca sign NAME}. */
  static AutosignPolicy off() {
    return csr -> false;
  }

  /**
   * Every one of {@code policies} must allow (each configured check narrows who gets in);
   * {@link #off()} when the list is empty.
   */
  static AutosignPolicy allOf(List<AutosignPolicy> policies) {
    if (policies.isEmpty()) {
      return off();
    }
    List<AutosignPolicy> all = List.copyOf(policies);
    return csr -> all.stream().allMatch(p -> p.allows(csr));
  }

  /**
   * Autosign names matching any of the comma-separated globs: {@code *} matches any run of
   * characters (dots included), {@code ?} one character; e.g. {@code *.example.com} or
   * {@code *}. Null or blank means {@link #off()}.
   */
  static AutosignPolicy glob(String globs) {
    if (globs == null || globs.isBlank()) {
      return off();
    }
    List<Pattern> patterns = new ArrayList<>();
    for (String glob : globs.split(",")) {
      String trimmed = glob.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      StringBuilder regex = new StringBuilder();
      for (char c : trimmed.toCharArray()) {
        switch (c) {
          case '*' -> regex.append(".*");
          case '?' -> regex.append('.');
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      patterns.add(Pattern.compile(regex.toString()));
    }
    List<Pattern> all = List.copyOf(patterns);
    return csr -> all.stream().anyMatch(p -> p.matcher(csr.certname()).matches());
  }
}
