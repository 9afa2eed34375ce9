package dev.stead.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stead} command. Usage errors and failures exit 1 (never picocli's 2, which
 * {@code agent run} and {@code apply} reserve for "changes applied").
 */
@Command(name = "stead", mixinStandardHelpOptions = true, version = "stead 0.1.0",
    description = "Agent-based configuration management.",
    subcommands = {
        DemoCommand.class,
        MasterCommand.class,
        AgentCommand.class,
        ApplyCommand.class,
        CompileCommand.class,
        ValidateCommand.class,
        CaCommand.class,
        NodesCommand.class,
        ReportsCommand.class,
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; used by tests too. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler((error, ignored) -> {
      PrintWriter err = error.getCommandLine().getErr();
      err.println("stead: " + error.getMessage());
      err.println("Try `" + error.getCommandLine().getCommandSpec().qualifiedName()
          + " --help`.");
      err.flush();
      return 1;
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("stead " + commandLine.getCommandName() + ": " + Failures.describe(error));
      err.flush();
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
