package dev.stead.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Show the settings from /etc/stead/*.conf and STEAD_* variables.",
    subcommands = ConfigCommand.Print.class)
final class ConfigCommand {

  @Command(name = "print", description = {
      "Print the settings `stead agent run` or `stead master start` would use without flags.",
      "Each says where it comes from: the environment, a file and line, or the default."})
  static final class Print implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "agent|master", description = "Whose settings.")
    String which;

    @Override
    public Integer call() {
      Object command = switch (which) {
        case "agent" -> new AgentCommand.Run();
        case "master" -> Main.masterInstalled() ? new MasterCommand.Start() : null;
        default -> throw new IllegalArgumentException("`" + which
            + "`: give agent or master");
      };
      if (command == null) {
        throw new IllegalArgumentException("the master is not installed here");
      }
      Settings settings = Settings.forMachine(which);
      CommandLine line = settings.install(new CommandLine(command));
      line.parseArgs();
      for (OptionSpec option : line.getCommandSpec().options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        Object value = option.getValue();
        if (value instanceof List<?> list) {
          value = String.join(":", list.stream().map(String::valueOf).toList());
        }
        String source = settings.source(option);
        System.out.printf("%s = %s  # %s%n", Settings.key(option), value == null ? "" : value,
            source == null ? "default" : source);
      }
      return 0;
    }
  }
}
