package dev.stead.master;

import dev.stead.master.ca.Hostnames;
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

  /** Splits {@code host:port} (IPv6 in brackets); a wildcard host becomes 127.0.0.1. */
  static Target parse(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IOException("'" + hostPort + "' is not HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IOException("'" + hostPort + "' has no valid port", e);
    }
    if (port < 1 || port > 65535) {
      throw new IOException("'" + hostPort + "' has no valid port");
    }
    // A master listening everywhere is reachable on loopback, which its certificate names.
    return new Target(Hostnames.isWildcard(host) ? "127.0.0.1" : host, port);
  }

  record Target(String host, int port) {
    @Override
    public String toString() {
      return format(host, port);
    }
  }
}
