package dev.stead.wire;

import java.util.Objects;

/**
 * A host and a port as people write them in options and config files: {@code host},
 * {@code host:port}, {@code [v6]} or {@code [v6]:port}. The one parser for every module, so
 * {@code --server}, {@code --listen} and the rest accept the same forms and default alike.
 * An IPv6 address without brackets is accepted only when no port could be read off its end
 * ({@code ::1}, {@code fe80::1}); {@code 2001:db8::1:8140} must say which it means.
 * Immutable; the host is held without brackets.
 */
public record HostPort(String host, int port) {
  /** The port a master listens on, and an agent dials, when the address names none. */
  public static final int MASTER_PORT = 8140;

  /** For {@link #dial} and {@link #bind}: the option has no default port; one must be given. */
  public static final int NO_DEFAULT = -1;

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
  }

  /**
   * An address to connect to; the port must be 1-65535.
   *
   * @param option the option or key the text came from, named in every error
   * @param defaultPort the port for a bare host, or {@link #NO_DEFAULT}
   * @throws IllegalArgumentException naming {@code option} and what is wrong
   */
  public static HostPort dial(String text, String option, int defaultPort) {
    return parse(text, option, defaultPort, 1);
  }

  /** An address to listen on; as {@link #dial}, but port 0 asks for any free port. */
  public static HostPort bind(String text, String option, int defaultPort) {
    return parse(text, option, defaultPort, 0);
  }

  private static HostPort parse(String text, String option, int defaultPort, int minPort) {
    Objects.requireNonNull(option, "option");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(option + ": the address is empty (expected HOST:PORT)");
    }
    String s = text.strip();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(option + ": missing ] in '" + s + "'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException(option + ": expected [IPV6]:PORT, got '" + s + "'");
      }
      if (!Ipv6.isLiteral(host)) {
        throw new IllegalArgumentException(option + ": '" + host
            + "' in brackets is not an IPv6 address");
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    } else if (s.indexOf(':') >= 0) {
      host = bareIpv6(s, option);
    } else {
      host = s;
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(option + ": the host is empty in '" + s + "'");
    }
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']'
        || c == '/')) {
      throw new IllegalArgumentException(option + ": '" + host + "' is not a host name");
    }
    return new HostPort(host, port(port, s, option, defaultPort, minPort));
  }

  /** Several colons and no brackets: an IPv6 address alone, if nothing else can be meant. */
  private static String bareIpv6(String s, String option) {
    if (!Ipv6.isLiteral(s)) {
      throw new IllegalArgumentException(option + ": '" + s + "' is neither HOST:PORT nor "
          + "an IPv6 address (write IPv6 addresses in brackets: [::1]:8140)");
    }
    int last = s.lastIndexOf(':');
    String tail = s.substring(last + 1);
    if (!tail.isEmpty() && tail.chars().allMatch(Character::isDigit)
        && Ipv6.isLiteral(s.substring(0, last))) {
      throw new IllegalArgumentException(option + ": '" + s + "' is ambiguous; write ["
          + s.substring(0, last) + "]:" + tail + " for port " + tail + ", or [" + s
          + "] for the address alone");
    }
    return s;
  }

  private static int port(String port, String s, String option, int defaultPort,
      int minPort) {
    if (port == null) {
      if (defaultPort == NO_DEFAULT) {
        throw new IllegalArgumentException(option + ": the port is missing in '" + s
            + "' (expected HOST:PORT)");
      }
      return defaultPort;
    }
    if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(option + ": the port is not a number in '" + s + "'");
    }
    // Digits only, so the one failure left is size: report it as out of range too.
    int number = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (number < minPort || number > 65535) {
      throw new IllegalArgumentException(option + ": port must be " + minPort + "-65535, got "
          + port);
    }
    return number;
  }

  /** {@code host:port}, with an IPv6 host in brackets: the form {@link #dial} reads back. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** IPv6 literal syntax (RFC 4291 text forms, an optional zone), checked without DNS. */
  private static final class Ipv6 {
    private Ipv6() {}

    static boolean isLiteral(String text) {
      String s = text;
      int zone = s.indexOf('%');
      if (zone >= 0) {
        if (zone == s.length() - 1) {
          return false;
        }
        s = s.substring(0, zone);
      }
      int last = s.lastIndexOf(':');
      if (last < 0) {
        return false;
      }
      if (s.indexOf('.', last) >= 0) {
        // An embedded IPv4 address takes the place of the last two groups.
        if (!isIpv4(s.substring(last + 1))) {
          return false;
        }
        s = s.substring(0, last + 1) + "0:0";
      }
      int gap = s.indexOf("::");
      if (gap < 0) {
        return groups(s) == 8;
      }
      if (s.indexOf("::", gap + 1) >= 0) {
        return false;
      }
      String left = s.substring(0, gap);
      String right = s.substring(gap + 2);
      int l = left.isEmpty() ? 0 : groups(left);
      int r = right.isEmpty() ? 0 : groups(right);
      return l >= 0 && r >= 0 && l + r <= 7;
    }

    /** The number of colon-separated groups of 1-4 hex digits, or -1 if one is not. */
    private static int groups(String s) {
      String[] parts = s.split(":", -1);
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 4
            || !part.chars().allMatch(Ipv6::isHex)) {
          return -1;
        }
      }
      return parts.length;
    }

    private static boolean isHex(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIpv4(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 3
            || !part.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
  }
}
