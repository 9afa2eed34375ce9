package dev.stead.master.ca;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Host names and address literals as they go into certificates. */
public final class Hostnames {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

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
