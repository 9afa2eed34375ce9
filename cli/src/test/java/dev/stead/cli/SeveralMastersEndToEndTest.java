package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real `stead master start` processes on one PostgreSQL database, both given the shared
 * name agents use (--dns-alt-names): a real agent that knows the masters only by that name
 * converges through either of them over mTLS.
 */
class SeveralMastersEndToEndTest {
  private static final String SHARED_NAME = "stead.fleet.test";
  private static final String SITE = """
      node('web1.test') {
          file('/etc/motd') { content 'one fleet\\n'; mode '0644' }
      }
      """;

  @TempDir Path tmp;

  @Test
  void anAgentUsingTheSharedNameConvergesThroughEitherMaster() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path credentials = tmp.resolve("store.credentials");
    Files.writeString(credentials, "user = " + cluster.credentials().user() + "\npassword = "
        + cluster.credentials().password() + "\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE);
    String[] options = {"--store", db.toString(), "--store-credentials", credentials.toString(),
        "--dns-alt-names", SHARED_NAME + ",127.0.0.2", "--autosign", "*.test"};
    // The name resolves to loopback for the agent only: a hosts file of its own JVM.
    Path hosts = tmp.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 " + SHARED_NAME + "\n127.0.0.1 localhost\n");

    Path dataA = tmp.resolve("a");
    Path dataB = tmp.resolve("b");
    try (MasterProcess a = MasterProcess.start(dataA, code, options)) {
      Files.createDirectories(dataB.resolve("ca"));
      for (String file : List.of("ca.pem", "ca_key.pem")) {
        Files.copy(dataA.resolve("ca").resolve(file), dataB.resolve("ca").resolve(file),
            StandardCopyOption.COPY_ATTRIBUTES);
      }
      try (MasterProcess b = MasterProcess.start(dataB, code, options)) {
        String fingerprint;
        try (var admin = a.admin()) {
          fingerprint = admin.caFingerprint();
        }
        Cli first = agent(hosts, a.port, fingerprint);
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
        assertThat(tmp.resolve("root/etc/motd")).hasContent("one fleet");

        Files.delete(tmp.resolve("root/etc/motd"));
        Cli second = agent(hosts, b.port, fingerprint);
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(2);
        assertThat(tmp.resolve("root/etc/motd")).hasContent("one fleet");
      }
    }
  }

  /** A real agent process told the master's shared name, run once. */
  private Cli agent(Path hosts, int port, String fingerprint) throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    ProcessBuilder builder = new ProcessBuilder(StepProcess.command("agent", "run", "--once",
        "--server", SHARED_NAME + ":" + port, "--certname", "web1.test",
        "--state", tmp.resolve("state").toString(), "--root", tmp.resolve("root").toString(),
        "--ca-fingerprint", fingerprint)).redirectErrorStream(true);
    builder.environment().put("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts);
    Process process = builder.start();
    process.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Cli(process.exitValue(), out.toString(StandardCharsets.UTF_8));
  }
}
