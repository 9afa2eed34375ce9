package dev.stead.cli;

import java.nio.file.Path;

/** Default locations, and where the launcher itself lives. */
final class Defaults {
  static final Path MASTER_DATA = Path.of("/var/lib/stead/master");
  static final Path AGENT_STATE = Path.of("/var/lib/stead/agent");
  static final Path CODE = Path.of("/etc/stead/code");
  static final String LISTEN = "127.0.0.1:8140";
  static final String SERVER = "localhost:8140";

  private Defaults() {}

  /** The repository (or install) root, as set by the launcher script. */
  static Path home() {
    String home = System.getProperty("stead.home");
    return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
  }
}
