package dev.stead.agent.host;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process to run: argv (never through a shell unless argv says so), extra environment,
 * working directory (null: the agent's), text for stdin (empty: none) and a timeout after
 * which the process and its children are killed. Immutable.
 */
public record Command(List<String> argv, Map<String, String> environment, String cwd,
    String stdin, Duration timeout) {
  /** What most management commands get: long enough for apt, short enough to not hang a run. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program");
    }
    environment = Map.copyOf(environment);
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), Map.of(), null, "", DEFAULT_TIMEOUT);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, Map.of(), null, "", DEFAULT_TIMEOUT);
  }

  public Command withEnvironment(Map<String, String> env) {
    return new Command(argv, env, cwd, stdin, timeout);
  }

  public Command withCwd(String dir) {
    return new Command(argv, environment, dir, stdin, timeout);
  }

  public Command withStdin(String text) {
    return new Command(argv, environment, cwd, text, timeout);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, environment, cwd, stdin, limit);
  }

  /** The program name, as {@code argv[0]}. */
  public String program() {
    return argv.get(0);
  }

  /** argv joined by spaces, for messages. */
  public String display() {
    return String.join(" ", argv);
  }
}
