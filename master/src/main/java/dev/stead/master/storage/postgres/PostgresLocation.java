package dev.stead.master.storage.postgres;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the PostgreSQL store is: {@code postgresql://HOST:PORT/DB}, as given to
 * {@code --store}. Holds no credentials (they never go on a command line). Immutable.
 *
 * @param host a host name or IP address (an IPv6 address without brackets)
 * @param port 1-65535
 * @param database the database name
 */
public record PostgresLocation(String host, int port, String database) {
  /** The scheme {@code --store} takes for this backend. */
  public static final String SCHEME = "postgresql";
  public static final int DEFAULT_PORT = 5432;

  public PostgresLocation {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the PostgreSQL host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the PostgreSQL port " + port + " is not 1-65535");
    }
    if (database == null || !database.matches("[A-Za-z0-9_.-]{1,63}")) {
      throw new IllegalArgumentException("the PostgreSQL database name '" + database
          + "' is not 1-63 letters, digits, '_', '.' or '-'");
    }
  }

  /**
   * Parses {@code postgresql://HOST[:PORT]/DB}; {@code option} names where the text came
   * from in error messages.
   */
  public static PostgresLocation parse(String text, String option) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(option + " " + text + " is not a URI: "
          + e.getMessage());
    }
    if (!SCHEME.equals(uri.getScheme())) {
      throw new IllegalArgumentException(option + " " + text
          + " must look like postgresql://HOST:PORT/DB");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(option + " must not hold a user or password (they "
          + "would show in `ps`): give them with --store-credentials FILE or PGUSER and "
          + "PGPASSWORD");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(option + " " + text
          + " takes no parameters: postgresql://HOST:PORT/DB");
    }
    String host = uri.getHost();
    String path = uri.getPath();
    if (host == null || path == null || path.length() < 2) {
      throw new IllegalArgumentException(option + " " + text
          + " needs a host and a database: postgresql://HOST:PORT/DB");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new PostgresLocation(host, uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
          path.substring(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + text + ": " + e.getMessage());
    }
  }

  /** The JDBC URL of the database. */
  public String jdbcUrl() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return SCHEME + "://" + h + ":" + port + "/" + database;
  }
}
