package dev.stead.master.ca;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Host names and address literals as they go into certificates. */
public final class Hostnames {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  // RFC 1123 labels; no wildcard: a master's name is a real name agents connect to.
  private static final Pattern DNS_NAME = Pattern.compile(
      "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private Hostnames() {}

  /** This machine's host name in lower case, or {@code localhost} when it has none. */
  public static String local() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() ? "localhost" : name.toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** True for an IPv4 or IPv6 literal (no DNS lookup). */
  public static boolean isIpLiteral(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  /**
   * {@code name} as it goes into a server certificate's subjectAltName: a DNS name in lower
   * case or a canonical IP literal.
   *
   * @param where what to name in the error, e.g. {@code --dns-alt-names}
   * @throws IllegalArgumentException naming {@code where} and the name when it is neither
   */
  public static String altName(String name, String where) {
    String trimmed = name.strip();
    if (isIpLiteral(trimmed)) {
      try {
        return canonicalIp(trimmed);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": '" + name + "' is not an IP address");
      }
    }
    if (trimmed.length() > 253 || !DNS_NAME.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(where + ": '" + name + "' is not a DNS name (letters,"
          + " digits, hyphens and dots; no wildcard) nor an IP address");
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }

  /** True for the "every interface" addresses, which never belong in a certificate. */
  public static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty();
  }

  /** Canonical text of an IP literal, so {@code ::1} and {@code 0:0:0:0:0:0:0:1} compare equal. */
  public static String canonicalIp(String literal) {
    String bare = literal.startsWith("[") && literal.endsWith("]")
        ? literal.substring(1, literal.length() - 1) : literal;
    try {
      // A literal is parsed, not resolved.
      return InetAddress.getByName(bare).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + literal, e);
    }
  }
}
