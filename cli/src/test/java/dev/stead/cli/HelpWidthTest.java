package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help reads whole in an 80-column terminal: no line of any command's --help is cut. */
class HelpWidthTest {
  @Test
  void noHelpLineOfAnyCommandIsWiderThanEightyColumns() {
    List<String> commands = new ArrayList<>();
    collect(new CommandLine(new Main()), "", commands);
    assertThat(commands).contains("", "operator", "demo", "ca sign", "agent run");
    List<String> tooWide = new ArrayList<>();
    for (String command : commands) {
      List<String> args = new ArrayList<>(command.isEmpty() ? List.of()
          : List.of(command.split(" ")));
      args.add("--help");
      InProcess run = InProcess.run(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("stead %s --help", command).isZero();
      assertThat(run.out()).as("stead %s --help", command)
          .startsWith("Usage: stead" + (command.isEmpty() ? "" : " " + command));
      run.out().lines().filter(line -> line.length() > 80)
          .forEach(line -> tooWide.add("stead " + command + ": " + line));
    }
    assertThat(tooWide).isEmpty();
  }

  /**
   * A command list shows the first paragraph of each command's description: one that stops
   * mid-sentence (a description broken into lines by hand) reads as cut off.
   */
  @Test
  void everyDescriptionParagraphIsWholeSentences() {
    List<String> broken = new ArrayList<>();
    List<CommandLine> all = new ArrayList<>();
    all(new CommandLine(new Main()), all);
    for (CommandLine line : all) {
      for (String paragraph : line.getCommandSpec().usageMessage().description()) {
        if (!paragraph.endsWith(".")) {
          broken.add(line.getCommandSpec().qualifiedName() + ": " + paragraph);
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  private static void all(CommandLine line, List<CommandLine> into) {
    into.add(line);
    line.getSubcommands().values().forEach(sub -> all(sub, into));
  }

  private static void collect(CommandLine line, String prefix, List<String> into) {
    into.add(prefix);
    for (Map.Entry<String, CommandLine> sub : line.getSubcommands().entrySet()) {
      collect(sub.getValue(), (prefix.isEmpty() ? "" : prefix + " ") + sub.getKey(), into);
    }
  }
}
