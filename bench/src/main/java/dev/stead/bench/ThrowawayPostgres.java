package dev.stead.bench;

import dev.stead.master.storage.postgres.PostgresCredentials;
import dev.stead.master.storage.postgres.PostgresLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster for one bench run, made as the tests make theirs (their
 * {@code PostgresCluster}, which the bench cannot use: it lives in the master's test classes):
 * Debian's {@code initdb} and {@code pg_ctl} in a temp directory, as the {@code postgres} user
 * when run as root, on a free 127.0.0.1 port, {@code fsync=off}. Stopped and deleted when the
 * JVM exits.
 */
final class ThrowawayPostgres {
  private static final String USER = "stead";

  private final int port;
  private final String password;
  private int databases;

  private ThrowawayPostgres(int port, String password) {
    this.port = port;
    this.password = password;
  }

  PostgresCredentials credentials() {
    return new PostgresCredentials(USER, password);
  }

  /** A new, empty database. */
  PostgresLocation createDatabase() throws IOException {
    String name = "stead_bench_" + ++databases;
    try (Connection connection = DriverManager.getConnection(
            new PostgresLocation("127.0.0.1", port, "postgres").jdbcUrl(), USER, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IOException("cannot create the database " + name + ": " + e.getMessage(), e);
    }
    return new PostgresLocation("127.0.0.1", port, name);
  }

  static ThrowawayPostgres start() throws IOException {
    Path bin;
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin = versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> b.getParent().getFileName().toString()))
          .orElseThrow(() -> new IOException("no /usr/lib/postgresql/*/bin/initdb"));
    } catch (IOException e) {
      throw new IOException("PostgreSQL is not installed (apt-get install postgresql): "
          + e.getMessage(), e);
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> runAs = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
    Path dir = Files.createTempDirectory("stead-bench-postgres-");
    String password = "pw-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, password + "\n");
    if (root) {
      var postgres = dir.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
      Files.setOwner(passwordFile, postgres);
    }
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    String data = dir.resolve("data").toString();
    run(dir, runAs, bin.resolve("initdb").toString(), "-D", data, "-U", USER,
        "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust",
        "-E", "UTF8", "--locale=C", "--no-sync");
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    run(dir, runAs, bin.resolve("pg_ctl").toString(), "-D", data, "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", "-p " + port + " -k "
            + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
        "start");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        run(dir, runAs, bin.resolve("pg_ctl").toString(), "-D", data, "-m", "immediate",
            "-w", "stop");
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      } catch (IOException e) {
        System.err.println("cleaning up the bench's PostgreSQL in " + dir + ": "
            + e.getMessage());
      }
    }, "bench-postgres-stop"));
    return new ThrowawayPostgres(port, password);
  }

  private static void run(Path dir, List<String> runAs, String... command) throws IOException {
    List<String> all = new ArrayList<>(runAs);
    all.addAll(List.of(command));
    Process process = new ProcessBuilder(all).directory(dir.toFile())
        .redirectErrorStream(true).start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", all) + " failed: "
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", all), e);
    }
  }
}
