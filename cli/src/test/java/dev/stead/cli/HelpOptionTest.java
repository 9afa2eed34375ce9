package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every usage error says "Try `stead … --help`": so every command must answer --help. */
class HelpOptionTest {
  @ParameterizedTest
  @ValueSource(strings = {"apply", "agent", "agent run", "agent trigger", "agent restore",
      "master start", "ca list", "nodes", "report", "compile", "secret encrypt", "facts",
      "resource"})
  void everyCommandPrintsItsUsageForHelp(String command) {
    String[] words = command.split(" ");
    String[] args = Arrays.copyOf(words, words.length + 1);
    args[words.length] = "--help";
    InProcess run = InProcess.run(args);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: stead " + command + " ");
  }
}
