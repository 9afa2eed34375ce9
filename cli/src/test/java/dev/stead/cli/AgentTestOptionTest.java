package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code stead agent run --test}: one run, verbose, the detailed exit codes (puppet agent -t). */
class AgentTestOptionTest {
  @TempDir Path tmp;

  @AfterEach
  void normalLoggingAgain() {
    LogSetup.install(LogSetup.Verbosity.NORMAL); // in-process runs share this JVM's logging
  }

  @Test
  @Timeout(60)
  void runsOnceVerboselyAndExitsWithTheCouldNotRunCode() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    // No master there: a daemon would keep retrying; one run ends with "could not run".
    InProcess run = InProcess.run("agent", "run", "--test", "--server", "127.0.0.1:" + closed,
        "--certname", "t.test", "--state", tmp.resolve("state").toString(),
        "--root", tmp.resolve("root").toString(), "--trust-first-use");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).as(run.toString()).contains(" DEBUG logging at verbose");
    assertThat(InProcess.run("agent", "run", "--help").out()).contains("--test");
  }
}
