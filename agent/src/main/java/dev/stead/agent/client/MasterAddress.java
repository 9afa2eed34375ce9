package dev.stead.agent.client;

import dev.stead.wire.HostPort;

/** {@code host:port} of the master; the port defaults to 8140. Immutable. */
public record MasterAddress(String host, int port) {
  public static final int DEFAULT_PORT = HostPort.MASTER_PORT;

  /**
   * Parses {@code --server}: {@code host}, {@code host:port}, {@code [v6]} or
   * {@code [v6]:port}, read as {@link HostPort#dial} reads every address.
   *
   * @throws IllegalArgumentException naming {@code --server} and what is wrong
   */
  public static MasterAddress parse(String server) {
    HostPort address = HostPort.dial(server, "--server", DEFAULT_PORT);
    return new MasterAddress(address.host(), address.port());
  }

  @Override
  public String toString() {
    return new HostPort(host, port).toString();
  }
}
