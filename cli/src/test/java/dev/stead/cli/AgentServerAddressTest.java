package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --server} and {@code --listen} accept, through the commands people type. */
class AgentServerAddressTest {
  @TempDir Path tmp;

  @AfterEach
  void normalLoggingAgain() {
    LogSetup.install(LogSetup.Verbosity.NORMAL); // in-process runs share this JVM's logging
  }

  private InProcess agentRun(String server) {
    return InProcess.run("agent", "run", "--once", "--server", server, "--certname", "t.test",
        "--state", tmp.resolve("state").toString(), "--root", tmp.resolve("root").toString(),
        "--trust-first-use");
  }

  @Test
  @Timeout(60)
  void aBareHostIsDialledOnTheDocumentedPort8140() {
    // A name that never resolves: the run fails at once, saying where it dialled.
    InProcess run = agentRun("no-such-host.invalid");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    // (gRPC's own resolver warning may come first; the agent's line is the one people read)
    assertThat(run.err().lines()).as(run.toString()).contains("stead agent run: cannot reach "
        + "the master at no-such-host.invalid:8140: unknown host no-such-host.invalid");
  }

  @Test
  void aBadServerIsRefusedNamingTheCommandAndTheOption() {
    InProcess run = agentRun("master.example:99999");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).as(run.toString())
        .startsWith("stead agent run: --server: port must be 1-65535, got 99999");
    assertThat(agentRun("2001:db8::1:8140").err()).startsWith(
        "stead agent run: --server: '2001:db8::1:8140' is ambiguous; write [2001:db8::1]:8140");
  }

  @Test
  void aBadListenAddressStopsTheMasterBeforeItStarts() {
    InProcess run = InProcess.run("master", "start", "--data", tmp.resolve("data").toString(),
        "--code", tmp.toString(), "--listen", "127.0.0.1:65536");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).as(run.toString())
        .startsWith("stead master start: --listen: port must be 0-65535, got 65536");
  }
}
