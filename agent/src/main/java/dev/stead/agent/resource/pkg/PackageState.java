package dev.stead.agent.resource.pkg;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.Host;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every package dpkg knows, read with one {@code dpkg-query} call: name to installed version
 * (fully installed only) and the names whose configuration files remain. Built once per run and
 * shared through the run memo; immutable.
 */
final class PackageState {
  static final String QUERY_FORMAT = "${Package}\\t${db:Status-Abbrev}\\t${Version}\\n";

  private final Map<String, String> installed;
  private final Map<String, String> configOnly;

  private PackageState(Map<String, String> installed, Map<String, String> configOnly) {
    this.installed = Map.copyOf(installed);
    this.configOnly = Map.copyOf(configOnly);
  }

  /** Reads the dpkg database; a failure is a message in {@code error}. */
  static PackageState read(Host host, StringBuilder error) {
    Command query = Command.of("dpkg-query", "-W", "-f", QUERY_FORMAT);
    CommandResult r = host.run(query);
    // dpkg-query exits 1 when some package is unknown; with no name given it lists all.
    if (r.exitCode() != 0 || r.timedOut()) {
      error.append("cannot read the package database: ").append(r.describe(query, 2000));
      return new PackageState(Map.of(), Map.of());
    }
    return parse(r.stdout());
  }

  static PackageState parse(String output) {
    Map<String, String> installed = new HashMap<>();
    Map<String, String> configOnly = new HashMap<>();
    for (String line : output.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 3) {
        continue;
      }
      String status = f[1].strip();
      // Abbreviated status: desired action, then the state letter: i = installed,
      // c = config-files only; anything else is half-installed or worse.
      char state = status.length() >= 2 ? status.charAt(1) : ' ';
      if (state == 'i') {
        installed.put(f[0], f[2]);
      } else if (state == 'c') {
        configOnly.put(f[0], f[2]);
      }
    }
    return new PackageState(installed, configOnly);
  }

  Optional<String> installedVersion(String name) {
    return Optional.ofNullable(installed.get(name));
  }

  /** The names of the fully installed packages. */
  Set<String> installedNames() {
    return installed.keySet();
  }

  boolean hasConfigFilesOnly(String name) {
    return configOnly.containsKey(name);
  }
}
