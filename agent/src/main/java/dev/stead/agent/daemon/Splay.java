package dev.stead.agent.daemon;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * A node's delay before its first run: random across the fleet, so a thousand agents started
 * together do not hit the master at once, but stable per node (a hash of the certname), so a
 * node keeps its slot across restarts. Stateless.
 */
public final class Splay {
  private Splay() {}

  /** In {@code [0, limit)}; zero for a zero limit. */
  public static Duration of(String certname, Duration limit) {
    long millis = limit.toMillis();
    if (millis <= 0) {
      return Duration.ZERO;
    }
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(certname.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return Duration.ofMillis(Math.floorMod(v, millis));
  }
}
