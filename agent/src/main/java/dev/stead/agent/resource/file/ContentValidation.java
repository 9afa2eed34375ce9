package dev.stead.agent.resource.file;

import dev.stead.agent.host.Bounded;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.host.Host;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A file's {@code validate_cmd}: run against the staged new content before it is renamed into
 * place, so content the command rejects never appears at the path. Immutable.
 */
final class ContentValidation {
  /** A checker such as visudo or nginx -t answers in seconds; a hung one must not hold a run. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** How much of the command's output the failure quotes. */
  private static final int OUTPUT_SHOWN = 2048;

  private final String command;

  ContentValidation(String command) {
    this.command = command;
  }

  /**
   * Runs the command with every {@code %} replaced by {@code staged}, single-quoted for the
   * shell; throws, naming the command and quoting its output, unless it exits 0.
   */
  void check(Host host, Path staged) throws IOException {
    String line = command.replace("%", quoted(staged.toString()));
    Command run = Command.of(List.of("/bin/sh", "-c", line)).withTimeout(TIMEOUT);
    CommandResult result = host.run(run);
    if (!result.ok()) {
      String output = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
      String how = result.timedOut() ? "timed out after " + TIMEOUT.toSeconds() + " s"
          : result.exitCode() == -1 ? "could not be run" : "exited with " + result.exitCode();
      throw new IOException("validate_cmd `" + command + "` " + how
          + (output.isEmpty() ? "" : ": " + Bounded.tail(output, OUTPUT_SHOWN))
          + "; the new content was not put in place");
    }
  }

  private static String quoted(String path) {
    return "'" + path.replace("'", "'\\''") + "'";
  }
}
