package dev.stead.agent;

import dev.stead.agent.engine.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One agent run's settings, as {@code stead agent run} parses them.
 *
 * @param server the master, {@code host:port} (port 8140 when left out; the host is also
 *     the name checked against the master's certificate), or several masters separated by
 *     commas, tried in order when one is unavailable ({@link dev.stead.agent.client.MasterList})
 * @param certname this node's name, the CN of its certificate
 * @param stateDir keys, certificates, drift state, backups, report spool, catalog cache
 * @param root where managed paths live ({@code /} for the real machine)
 * @param caFingerprint the CA fingerprint to pin at bootstrap ({@code SHA256:AB:CD:…}, as
 *     {@code stead ca fingerprint} prints it); null when not given
 * @param trustFirstUse accept the master's CA without a fingerprint (printing it)
 * @param waitForCertSeconds how long to wait for a pending certificate; 0 means do not wait
 * @param useCachedCatalog enforce {@code stateDir/catalog/last.pb} when the master is
 *     unreachable or cannot compile
 * @param resourceTimeout how long one resource may take before it fails as timed out
 * @param factsDir custom facts (executables, {@code .json}, {@code .yaml}); null for none
 * @param json print the report as JSON instead of lines for people
 * @param csrChallenge a file whose first line is sent as the CSR's PKCS#9 challengePassword
 *     (for the master's {@code --autosign-challenge-file}); null for none
 */
public record AgentOptions(String server, String certname, Path stateDir, Path root,
    boolean noop, String caFingerprint, boolean trustFirstUse, int waitForCertSeconds,
    boolean useCachedCatalog, Duration resourceTimeout, Path factsDir, boolean json,
    Path csrChallenge) {
  public AgentOptions {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(certname, "certname");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(resourceTimeout, "resourceTimeout");
    if (certname.isBlank()) {
      throw new IllegalArgumentException("certname is empty");
    }
    if (waitForCertSeconds < 0) {
      throw new IllegalArgumentException("waitForCertSeconds must be >= 0, got "
          + waitForCertSeconds);
    }
    if (resourceTimeout.isNegative() || resourceTimeout.isZero()) {
      throw new IllegalArgumentException("resourceTimeout must be positive, got "
          + resourceTimeout);
    }
  }

  /** Without a CSR challenge. */
  public AgentOptions(String server, String certname, Path stateDir, Path root,
      boolean noop, String caFingerprint, boolean trustFirstUse, int waitForCertSeconds,
      boolean useCachedCatalog, Duration resourceTimeout, Path factsDir, boolean json) {
    this(server, certname, stateDir, root, noop, caFingerprint, trustFirstUse,
        waitForCertSeconds, useCachedCatalog, resourceTimeout, factsDir, json, null);
  }

  /** The cached catalog on, the default resource timeout, no custom facts, text output. */
  public AgentOptions(String server, String certname, Path stateDir, Path root, boolean noop,
      String caFingerprint, boolean trustFirstUse, int waitForCertSeconds) {
    this(server, certname, stateDir, root, noop, caFingerprint, trustFirstUse,
        waitForCertSeconds, true, Transaction.DEFAULT_TIMEOUT, null, false, null);
  }

  /** The same settings for a run that checks only ({@code --noop}). */
  public AgentOptions asNoop() {
    return new AgentOptions(server, certname, stateDir, root, true, caFingerprint,
        trustFirstUse, waitForCertSeconds, useCachedCatalog, resourceTimeout, factsDir, json,
        csrChallenge);
  }

  /** {@code stateDir/catalog/last.pb}: the last catalog the master sent and the agent verified. */
  public Path cachedCatalog() {
    return cachedCatalog(stateDir);
  }

  /** The cached catalog of the agent whose state directory is {@code stateDir}. */
  public static Path cachedCatalog(Path stateDir) {
    return stateDir.resolve("catalog").resolve("last.pb");
  }
}
