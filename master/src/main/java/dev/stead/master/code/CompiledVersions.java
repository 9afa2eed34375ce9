package dev.stead.master.code;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The code version this master last compiled, per environment: what it registers for
 * {@code stead masters}, so two masters serving different code show it. Thread-safe.
 */
public final class CompiledVersions {
  private final ConcurrentMap<String, String> byEnvironment = new ConcurrentHashMap<>();

  /** A catalog of {@code environment} was compiled from {@code version}. */
  public void compiled(String environment, String version) {
    if (!version.isEmpty()) {
      byEnvironment.put(environment.isEmpty() ? Environments.PRODUCTION : environment, version);
    }
  }

  /** Environment to version, sorted by environment. */
  public Map<String, String> now() {
    return Map.copyOf(new TreeMap<>(byEnvironment));
  }
}
