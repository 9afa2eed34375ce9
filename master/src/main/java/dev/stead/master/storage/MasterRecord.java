package dev.stead.master.storage;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One master as it registers itself in the store: where agents reach it, whether it holds
 * the CA key, the code version it last compiled per environment, when it started and its
 * last heartbeat. Immutable.
 *
 * @param address {@code host:port}, unique among the masters of one store
 * @param ca true for the master holding the CA key
 * @param codeVersions environment name to the code version this master last compiled there
 *     (sorted; empty before its first compile)
 * @param startedAtMs when the master started, ms since the epoch
 * @param lastSeenMs its latest heartbeat, ms since the epoch
 */
public record MasterRecord(String address, boolean ca, Map<String, String> codeVersions,
    long startedAtMs, long lastSeenMs) {
  public MasterRecord {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("a master's address is blank");
    }
    codeVersions = Map.copyOf(new TreeMap<>(Objects.requireNonNull(codeVersions,
        "codeVersions")));
  }

  /** The same master, seen again at {@code nowMs} with {@code versions}. */
  public MasterRecord seen(Map<String, String> versions, long nowMs) {
    return new MasterRecord(address, ca, versions, startedAtMs, nowMs);
  }
}
