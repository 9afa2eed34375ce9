package dev.stead.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemHostTest {
  private final SystemHost host = SystemHost.unrestricted();

  @Test
  void capturesExitCodeOutputAndErrorSeparately() {
    CommandResult r = host.run(Command.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.ok()).isFalse();
  }

  @Test
  void passesStdinEnvironmentAndWorkingDirectory(@TempDir Path dir) {
    CommandResult r = host.run(Command.of("/bin/sh", "-c", "cat; echo \"$GREETING\"; pwd")
        .withStdin("from stdin\n").withEnvironment(Map.of("GREETING", "hello"))
        .withCwd(dir.toString()));
    assertThat(r.stdout()).isEqualTo("from stdin\nhello\n" + dir + "\n");
  }

  @Test
  void killsACommandAndItsChildrenOnTimeout() {
    long start = System.nanoTime();
    CommandResult r = host.run(Command.of("/bin/sh", "-c", "sleep 30 & sleep 30")
        .withTimeout(Duration.ofMillis(300)));
    assertThat(r.timedOut()).isTrue();
    assertThat(r.ok()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.describe(Command.of("x").withTimeout(Duration.ofSeconds(1)), 100))
        .contains("timed out");
  }

  @Test
  void aMissingProgramIsAResultNotAnException() {
    CommandResult r = host.run(Command.of("/nonexistent/steadtest-program"));
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.stderr()).contains("steadtest-program");
  }

  @Test
  void refusesCommandsUnderARootOtherThanSlash(@TempDir Path root) {
    CommandResult r = SystemHost.confinedTo(root).run(Command.of("true"));
    assertThat(r.ok()).isFalse();
    assertThat(r.stderr()).contains("--root " + root);
    assertThat(SystemHost.confinedTo(Path.of("/")).run(Command.of("true")).ok()).isTrue();
  }
}
