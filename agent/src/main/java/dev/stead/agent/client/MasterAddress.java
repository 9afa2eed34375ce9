package dev.stead.agent.client;

/** {@code host:port} of the master; the port defaults to 8140. Immutable. */
public record MasterAddress(String host, int port) {
  public static final int DEFAULT_PORT = 8140;

  /** Parses {@code host}, {@code host:port} or {@code [v6]:port}. */
  public static MasterAddress parse(String server) {
    if (server == null || server.isBlank()) {
      throw new IllegalArgumentException("--server is empty (expected HOST:PORT)");
    }
    String s = server.trim();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("--server " + server + ": missing ]");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("--server " + server + ": expected HOST:PORT");
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    } else {
      host = s; // a bare host name, or a bare IPv6 address
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("--server " + server + ": the host is empty");
    }
    int number = DEFAULT_PORT;
    if (port != null) {
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--server " + server + ": the port is not a number");
      }
      if (number < 1 || number > 65535) {
        throw new IllegalArgumentException("--server " + server + ": port out of range");
      }
    }
    return new MasterAddress(host, number);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
