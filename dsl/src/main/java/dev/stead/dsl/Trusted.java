package dev.stead.dsl;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the master knows about a node from its certificate rather than from the node's own
 * facts: code reads it as {@code trusted.certname} and {@code trusted.extensions}. A node
 * cannot forge it by sending facts. Immutable.
 *
 * @param certname the certificate's CN, the node's authenticated name
 * @param extensions certificate extensions by name (none are read yet: empty)
 */
public record Trusted(String certname, Map<String, String> extensions) {
  public Trusted {
    Objects.requireNonNull(certname, "certname");
    if (certname.isEmpty()) {
      throw new IllegalArgumentException("certname must not be empty");
    }
    extensions = Map.copyOf(extensions);
  }

  /** Trusted data for a certificate with this CN and no extensions. */
  public static Trusted of(String certname) {
    return new Trusted(certname, Map.of());
  }

  /** The form code sees: an unmodifiable, key-sorted map with certname and extensions. */
  public Map<String, Object> asMap() {
    Map<String, Object> out = new TreeMap<>();
    out.put("certname", certname);
    out.put("extensions", java.util.Collections.unmodifiableMap(new TreeMap<>(extensions)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
