package dev.stead.master.storage.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The user and password the master logs in to PostgreSQL with. Read from a file (mode 0600 or
 * stricter) or from the environment's {@code PGUSER} and {@code PGPASSWORD}; never from a
 * flag, which would show in {@code ps}. Immutable; {@link #toString()} hides the password.
 *
 * @param user the role to log in as
 * @param password its password; empty when the server needs none (trust or peer)
 */
public record PostgresCredentials(String user, String password) {

  public PostgresCredentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("the PostgreSQL user is empty");
    }
  }

  /**
   * Reads {@code file}: lines {@code user = NAME} and {@code password = SECRET}; blank lines
   * and lines starting with {@code #} are skipped. The file must be readable by its owner only.
   */
  public static PostgresCredentials read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("the store credentials file " + file + " does not exist");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    for (PosixFilePermission open : List.of(PosixFilePermission.GROUP_READ,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.OTHERS_WRITE)) {
      if (mode.contains(open)) {
        throw new IOException("the store credentials file " + file + " is readable or "
            + "writable by others; chmod 600 it");
      }
    }
    String user = null;
    String password = "";
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String key = eq < 0 ? "" : line.substring(0, eq).strip();
      String value = eq < 0 ? "" : line.substring(eq + 1).strip();
      switch (key) {
        case "user" -> user = value;
        case "password" -> password = value;
        default -> throw new IOException(file + ":" + (i + 1) + ": expected `user = NAME` or "
            + "`password = SECRET`");
      }
    }
    if (user == null || user.isEmpty()) {
      throw new IOException(file + ": no `user = NAME` line");
    }
    return new PostgresCredentials(user, password);
  }

  /**
   * From {@code PGUSER} and {@code PGPASSWORD} in {@code environment} (PGUSER missing: the
   * name of the user running the master, as PostgreSQL's own tools do).
   */
  public static PostgresCredentials fromEnvironment(Map<String, String> environment) {
    String user = environment.getOrDefault("PGUSER", "");
    if (user.isEmpty()) {
      user = System.getProperty("user.name");
    }
    return new PostgresCredentials(user, environment.getOrDefault("PGPASSWORD", ""));
  }

  @Override
  public String toString() {
    return "PostgresCredentials[user=" + user + ", password=" + (password.isEmpty() ? "none"
        : "(hidden)") + "]";
  }
}
