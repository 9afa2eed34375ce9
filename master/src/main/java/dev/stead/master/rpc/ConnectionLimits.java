package dev.stead.master.rpc;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * How long and how many connections the gRPC port keeps, so that idle or half-open
 * connections cannot use up the master's file descriptors. Immutable.
 *
 * @param idle a connection with no call in progress for this long is closed (a client
 *     reconnects on its next call, transparently)
 * @param maxAge every connection is asked to close after this long, so that one cannot be
 *     kept busy forever with calls
 * @param maxAgeGrace calls in progress get this long to finish after {@code maxAge}
 * @param handshake a connection that has not finished its TLS handshake after this long is
 *     closed
 * @param perAddress open connections from one source IP address; more are closed at once
 * @param total open connections in all
 */
public record ConnectionLimits(Duration idle, Duration maxAge, Duration maxAgeGrace,
    Duration handshake, int perAddress, int total) {
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(1);
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
  /** Longer than the agent's deadline for a file stream (300 s). */
  public static final Duration DEFAULT_MAX_AGE_GRACE = Duration.ofMinutes(6);
  public static final Duration DEFAULT_HANDSHAKE = Duration.ofSeconds(10);
  /** Generous, because a fleet behind NAT reaches the master from one address. */
  public static final int DEFAULT_PER_ADDRESS = 64;

  public ConnectionLimits {
    positive(idle, "idle");
    positive(maxAge, "maxAge");
    positive(maxAgeGrace, "maxAgeGrace");
    positive(handshake, "handshake");
    if (perAddress < 1) {
      throw new IllegalArgumentException("perAddress must be at least 1, got " + perAddress);
    }
    if (total < perAddress) {
      throw new IllegalArgumentException("total (" + total + ") must be at least perAddress ("
          + perAddress + ")");
    }
  }

  /** The defaults above; {@code total} is {@link #defaultTotal()}. */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(DEFAULT_IDLE, DEFAULT_MAX_AGE, DEFAULT_MAX_AGE_GRACE,
        DEFAULT_HANDSHAKE, DEFAULT_PER_ADDRESS, defaultTotal());
  }

  public ConnectionLimits withIdle(Duration idle) {
    return new ConnectionLimits(idle, maxAge, maxAgeGrace, handshake, perAddress, total);
  }

  public ConnectionLimits withPerAddress(int perAddress) {
    return new ConnectionLimits(idle, maxAge, maxAgeGrace, handshake, perAddress,
        Math.max(total, perAddress));
  }

  public ConnectionLimits withHandshake(Duration handshake) {
    return new ConnectionLimits(idle, maxAge, maxAgeGrace, handshake, perAddress, total);
  }

  /**
   * Half of the process's file-descriptor limit (the other half stays for the database, code
   * and logs), at least {@link #DEFAULT_PER_ADDRESS}; 4096 where the limit cannot be read.
   */
  public static int defaultTotal() {
    long fds = 8192;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      fds = unix.getMaxFileDescriptorCount();
    }
    return (int) Math.max(DEFAULT_PER_ADDRESS, Math.min(fds / 2, 1_000_000));
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
