package dev.stead.agent.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A host for unit tests: each program is a handler written by the test; every command is
 * recorded. Unknown programs fail to start, as on a machine without them. Thread-safe.
 */
public final class InMemoryHost implements Host {
  private final Map<String, Function<Command, CommandResult>> programs = new HashMap<>();
  private final List<Command> log = new ArrayList<>();
  private final boolean systemd;

  public InMemoryHost(boolean systemd) {
    this.systemd = systemd;
  }

  public synchronized InMemoryHost on(String program, Function<Command, CommandResult> handler) {
    programs.put(program, handler);
    return this;
  }

  /** Every command run so far, in order. */
  public synchronized List<Command> commands() {
    return List.copyOf(log);
  }

  /** The commands run so far, each as {@code argv} joined by spaces. */
  public synchronized List<String> commandLines() {
    return log.stream().map(Command::display).toList();
  }

  @Override
  public synchronized CommandResult run(Command command) {
    log.add(command);
    Function<Command, CommandResult> handler = programs.get(command.program());
    return handler == null ? CommandResult.notStarted(command.program() + ": not found")
        : handler.apply(command);
  }

  @Override
  public boolean systemdRunning() {
    return systemd;
  }
}
