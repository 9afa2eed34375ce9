package dev.stead.agent.host;

import java.util.Objects;

/**
 * How a {@link Command} ended. {@code exitCode} is -1 when the process could not be started
 * or was killed on timeout ({@code timedOut}); stdout and stderr are decoded as UTF-8 and may
 * have been cut at the host's capture limit. Immutable.
 */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
  public CommandResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  public static CommandResult exit(int code, String stdout, String stderr) {
    return new CommandResult(code, stdout, stderr, false);
  }

  public static CommandResult notStarted(String why) {
    return new CommandResult(-1, "", why, false);
  }

  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  /**
   * A one-paragraph failure description: the command, how it ended, and the tail of its
   * output, at most {@code limit} characters of output.
   */
  public String describe(Command command, int limit) {
    String how = timedOut ? "timed out after " + command.timeout().toSeconds() + " s"
        : exitCode == -1 ? "could not be started" : "exited with " + exitCode;
    String output = (stderr.isBlank() ? stdout : stderr).strip();
    return "`" + command.display() + "` " + how
        + (output.isEmpty() ? "" : ": " + Bounded.tail(output, limit));
  }
}
