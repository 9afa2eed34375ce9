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
        CodeCommand.class,
        AgentCommand.class,
        ApplyCommand.class,
        CompileCommand.class,
        LookupCommand.class,
        ValidateCommand.class,
        CaCommand.class,
        SecretCommand.class,
        NodesCommand.class,
        MastersCommand.class,
        NodeCommand.class,
        JobCommand.class,
        PreviewCommand.class,
        RolloutCommand.class,
        ReportsCommand.class,
        ReportCommand.class,
        DriftCommand.class,
        ExceptionsCommand.class,
        ComplianceCommand.class,
        AuditCommand.class,
        OperatorCommand.class,
        ConfigCommand.class,
        FactsCommand.class,
        ResourceCommand.class,
        ModuleCommand.class,
    })
public final class Main implements Runnable {
  static {
    // picocli otherwise loads groovy.lang.Closure (to allow closures in annotations), which
    // boots the Groovy runtime, ~0.5 s, on every command, even those that never compile
    // (agent run, a cached apply). Stead's annotations hold no closures.
    System.setProperty("picocli.disable.closures", "true");
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; used by tests too. */
  public static int execute(String... args) {
    if (args.length > 0 && args[0].equals("apply")) {
      // The hot path runs on every server every few minutes: no picocli unless the command
      // line is unusual (then picocli parses it and owns the messages), see FastApply.
      ApplyCommand fast = FastApply.parse(args);
      if (fast != null) {
        return FastApply.run(fast);
      }
    }
    CommandLine cli = commandLine(args);
    withHelpOption(cli);
    // Help wraps at the terminal's width (80 columns when it cannot be told).
    cli.setUsageHelpAutoWidth(true);
    LogOptions.addTo(cli);
    // Every command logs in one format, at the verbosity asked on its command line.
    cli.setExecutionStrategy(parsed -> {
      LogSetup.install(LogOptions.asked(parsed));
      return new CommandLine.RunLast().execute(parsed);
    });
    Settings agent = withSettings(cli, "agent", "run");
    Settings master = withSettings(cli, "master", "start");
    cli.setParameterExceptionHandler((error, ignored) -> {
      PrintWriter err = error.getCommandLine().getErr();
      String source = error.getArgSpec() == null ? null
          : agent != null && agent.source(error.getArgSpec()) != null
              ? agent.source(error.getArgSpec())
              : master != null ? master.source(error.getArgSpec()) : null;
      Throwable invalid = error;
      while (invalid != null && !(invalid instanceof Settings.Invalid)) {
        invalid = invalid.getCause();
      }
      err.println(Failures.prefix(error.getCommandLine()) + (invalid != null ? invalid.getMessage() : error.getMessage()
          + (source == null ? "" : " (from " + source + ")")));
      err.println("Try `" + error.getCommandLine().getCommandSpec().qualifiedName()
          + " --help`.");
      err.flush();
      return 1;
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println(Failures.prefix(commandLine) + Failures.describe(error));
      err.flush();
      return 1;
    });
    return cli.execute(args);
  }

  /**
   * The whole command tree, except for {@code apply}, {@code agent} and {@code master}: the
   * first two run on every server every few minutes, the master's start delays its first
   * catalog, so they get a tree holding only themselves and skip picocli's reflection over
   * twenty other commands (~0.2 s of start-up). Names and help stay the same.
   */
  private static CommandLine commandLine(String... args) {
    Object only = args.length == 0 ? null : switch (args[0]) {
      case "apply" -> new ApplyCommand();
      case "agent" -> new AgentCommand();
      // A master's start-up is on the clock too (to its first catalog served).
      case "master" -> masterInstalled() ? new MasterCommand() : null;
      default -> null;
    };
    if (only == null && masterInstalled()) {
      return new CommandLine(new Main());
    }
    CommandLine top = new CommandLine(CommandLine.Model.CommandSpec.create().name("stead")
        .version(Main.class.getAnnotation(Command.class).version()));
    if (only == null) {
      // An agent-only install (the stead-agent package) has no master and no Groovy jars:
      // the full tree cannot load, so it offers what it has.
      top.getCommandSpec().mixinStandardHelpOptions(true).usageMessage()
          .description("Agent-based configuration management (agent only: install "
              + "stead-master for the other commands).");
      top.addSubcommand("agent", new AgentCommand());
      top.addSubcommand("config", new ConfigCommand());
      top.addSubcommand("facts", new FactsCommand());
      top.addSubcommand("resource", new ResourceCommand());
      return top;
    }
    top.addSubcommand(args[0], only);
    return top;
  }

  /**
   * The environment's and /etc/stead's defaults for {@code stead NAME SUB}, if the tree has
   * that command.
   */
  private static Settings withSettings(CommandLine top, String name, String sub) {
    CommandLine command = top.getSubcommands().get(name);
    command = command == null ? null : command.getSubcommands().get(sub);
    if (command == null) {
      return null;
    }
    Settings settings = Settings.forMachine(name);
    settings.install(command);
    return settings;
  }

  static boolean masterInstalled() {
    return Main.class.getClassLoader().getResource("dev/stead/master/Master.class") != null;
  }

  /**
   * {@code -h/--help} on every command: every usage error ends "Try `stead … --help`", and
   * only the top command had it (picocli's standard options are not inherited).
   */
  private static void withHelpOption(CommandLine line) {
    CommandLine.Model.CommandSpec spec = line.getCommandSpec();
    if (!spec.optionsMap().containsKey("--help")) {
      spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
          .description("Show this help message and exit.").build());
    }
    line.getSubcommands().values().forEach(Main::withHelpOption);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
