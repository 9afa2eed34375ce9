package dev.stead.agent.resource.exec;

import java.time.Duration;
import java.util.Map;

/** The parsed parameters of one {@code exec}; null strings are unset. Immutable. */
record ExecSpec(String command, String creates, String onlyif, String unless,
    boolean refreshonly, Duration timeout, String user, String cwd,
    Map<String, String> environment) {
  ExecSpec {
    environment = Map.copyOf(environment);
  }

  /** True when something decides whether it needs to run, so "it did not" means in sync. */
  boolean guarded() {
    return creates != null || onlyif != null || unless != null;
  }
}
