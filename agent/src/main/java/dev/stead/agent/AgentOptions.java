package dev.stead.agent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One agent run's settings, as {@code stead agent run} parses them.
 *
 * @param server the master, {@code host:port} (port 8140 when left out); the host is also
 *     the name checked against the master's certificate
 * @param certname this node's name, the CN of its certificate
 * @param stateDir keys, certificates, drift state, backups, report spool, catalog cache
 * @param root where managed paths live ({@code /} for the real machine)
 * @param caFingerprint the CA fingerprint to pin at bootstrap ({@code SHA256:AB:CD:…}, as
 *     {@code stead ca fingerprint} prints it); null when not given
 * @param trustFirstUse accept the master's CA without a fingerprint (printing it)
 * @param waitForCertSeconds how long to wait for a pending certificate; 0 means do not wait
 */
public record AgentOptions(String server, String certname, Path stateDir, Path root,
    boolean noop, String caFingerprint, boolean trustFirstUse, int waitForCertSeconds) {
  public AgentOptions {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(certname, "certname");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(root, "root");
    if (certname.isBlank()) {
      throw new IllegalArgumentException("certname is empty");
    }
    if (waitForCertSeconds < 0) {
      throw new IllegalArgumentException("waitForCertSeconds must be >= 0, got "
          + waitForCertSeconds);
    }
  }
}
