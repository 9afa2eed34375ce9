package dev.stead.master;

import dev.stead.master.ca.Hostnames;
import dev.stead.wire.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code DATA/master.address}: the {@code host:port} a running master is bound to, one line,
 * written on start and removed on close, so the CLI finds the master it belongs to.
 */
final class MasterAddress {
  static final String FILE = "master.address";

  private MasterAddress() {}

  static String format(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  static String read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        throw new IOException(file + " is empty");
      }
      return text;
    } catch (NoSuchFileException e) {
      throw new IOException("the stead master is not running for " + dataDir + " (no " + FILE
          + "); start it with `stead master start`", e);
    }
  }

  /**
   * Where to dial a master at {@code hostPort} ({@code host} alone means port 8140); a master
   * listening everywhere is reached on loopback, which its certificate names.
   *
   * @param source the option or file the address came from, named in errors
   * @throws IllegalArgumentException naming {@code source} when the address is malformed
   */
  static Target target(String hostPort, String source) {
    HostPort address = HostPort.dial(hostPort, source, HostPort.MASTER_PORT);
    String host = address.host();
    return new Target(Hostnames.isWildcard(host) ? "127.0.0.1" : host, address.port());
  }

  record Target(String host, int port) {
    @Override
    public String toString() {
      return format(host, port);
    }
  }
}
