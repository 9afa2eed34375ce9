package dev.stead.master.storage.postgres;

import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: Debian's {@code initdb} and {@code pg_ctl} (from
 * /usr/lib/postgresql/VERSION/bin) in a temp directory, on a free 127.0.0.1 port with its unix
 * socket in the same directory, password login for the test role. Started once per JVM (it takes
 * seconds) and shared by every test class; stopped and deleted when the JVM exits. As root the
 * cluster runs as the {@code postgres} user (initdb refuses root). When PostgreSQL is not
 * installed this fails, naming the package, rather than skipping.
 */
public final class PostgresCluster {
  private static final String USER = "stead";
  private static PostgresCluster shared;

  private final Path dir;
  private final Path bin;
  private final List<String> runAs;
  private final int port;
  private final String password;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresCluster(Path dir, Path bin, List<String> runAs, int port, String password) {
    this.dir = dir;
    this.bin = bin;
    this.runAs = runAs;
    this.port = port;
    this.password = password;
  }

  /** The cluster of this JVM, started on first use. */
  public static synchronized PostgresCluster shared() throws IOException {
    if (shared == null) {
      shared = start();
      PostgresCluster cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "postgres-cluster-stop"));
    }
    return shared;
  }

  /** Credentials of the test role (a password login over TCP, as a remote master's). */
  public PostgresCredentials credentials() {
    return new PostgresCredentials(USER, password);
  }

  /** Writes the test role's login to {@code file} (mode 0600) as --store-credentials reads it. */
  public Path writeCredentialsFile(Path file) throws IOException {
    Files.writeString(file, "user = " + USER + "\npassword = " + password + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  public int port() {
    return port;
  }

  /** A new, empty database; returns where it is. */
  public PostgresLocation createDatabase() throws IOException {
    String name = "stead_test_" + databases.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return new PostgresLocation("127.0.0.1", port, name);
  }

  /** Runs {@code sql} in {@code database} as the test role (which is a superuser). */
  public void execute(String database, String sql) throws IOException {
    try (Connection connection = DriverManager.getConnection(
            new PostgresLocation("127.0.0.1", port, database).jdbcUrl(), USER, password);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IOException("in " + database + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  private static PostgresCluster start() throws IOException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> runAs = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
    Path dir = Files.createTempDirectory("stead-postgres-");
    String password = "pw-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, password + "\n");
    if (root) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
      Files.setOwner(passwordFile, postgres);
    }
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    PostgresCluster cluster = null;
    try {
      run(dir, plus(runAs, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
          "-U", USER, "--pwfile=" + passwordFile, "--auth-host=scram-sha-256",
          "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
      // A port free now may be taken before the server binds it: try a few.
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        try {
          run(dir, plus(runAs, bin.resolve("pg_ctl").toString(), "-D",
              dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w",
              "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                  + " -c fsync=off -c full_page_writes=off -c max_connections=200", "start"));
          cluster = new PostgresCluster(dir, bin, runAs, port, password);
          return cluster;
        } catch (IOException e) {
          last = e;
        }
      }
      throw last;
    } finally {
      if (cluster == null) {
        FileTrees.delete(dir);
      }
    }
  }

  /** Stops the server at once (its data is thrown away) and deletes the directory. */
  private void stop() {
    try {
      run(dir, plus(runAs, bin.resolve("pg_ctl").toString(), "-D",
          dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
    } catch (IOException e) {
      System.err.println("stopping the test PostgreSQL failed: " + e.getMessage());
    }
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      System.err.println("deleting " + dir + " failed: " + e.getMessage());
    }
  }

  /** The newest /usr/lib/postgresql/VERSION/bin that has initdb. */
  private static Path binaries() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        var found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IOException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
        + "apt-get install postgresql");
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static List<String> plus(List<String> prefix, String... rest) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(rest));
    return all;
  }

  private static void run(Path dir, List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 90 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited " + process.exitValue()
            + ": " + new String(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
