package dev.stead.cli;

import dev.stead.master.AdminClient;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How CLI commands reach the running master's admin service. */
final class AdminOptions {
  @Option(names = "--data", description = "The master's data directory, for the admin certificate (default: ${DEFAULT-VALUE}).")
  Path data = Defaults.MASTER_DATA;

  @Option(names = "--server", description = "Master HOST:PORT (default: the address the running master recorded in DATA).")
  String server;

  AdminClient connect() throws IOException {
    return AdminClient.connect(data.toAbsolutePath(), server);
  }
}
