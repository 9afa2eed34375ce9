package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted master remembers the agents' certificate chains its TLS accepted, so it does
 * not validate them again; that memory never outranks revocation: an agent revoked before the
 * restart is refused after it, one in good standing is served. A real master process stopped
 * as a service manager stops it, real mutual TLS.
 */
class RememberedChainsRestartTest {
  @TempDir Path tmp;

  /** One run of the agent {@code node}; its exit code, and what it printed in the message. */
  private int run(String address, String node, StringBuilder said) throws Exception {
    AgentOptions options = new AgentOptions(address, node, tmp.resolve("state-" + node),
        Files.createDirectories(tmp.resolve("root-" + node)), false, null, true, 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = new AgentRun(options).runOnce(print, print);
    said.setLength(0);
    said.append(out.toString(StandardCharsets.UTF_8));
    return code;
  }

  @Test
  void aRevokedAgentWhoseChainWasRememberedIsRefusedAfterTheRestart() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Path data = tmp.resolve("master");
    StringBuilder said = new StringBuilder();
    try (MasterProcess master = MasterProcess.start(data, code, "--autosign", "*.test")) {
      assertThat(run(master.address, "good.test", said)).as(said::toString).isZero();
      assertThat(run(master.address, "revoked.test", said)).as(said::toString).isZero();
      master.stead("ca", "revoke", "revoked.test");
    }
    assertThat(data.resolve("client-chains")).isNotEmptyFile();

    try (MasterProcess master = MasterProcess.start(data, code, "--autosign", "*.test")) {
      // The master reads the file beside its start, not before it listens: wait for it.
      Path log = data.resolveSibling("master.log");
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (!Files.readString(log).contains("client certificate chains from")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(log).content().containsPattern("remembered [3-9] client certificate chains");
      assertThat(run(master.address, "revoked.test", said)).isEqualTo(1);
      assertThat(said.toString()).contains("has been revoked");
      assertThat(run(master.address, "good.test", said)).as(said::toString).isZero();
    }
  }
}
