package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every usage error says "Try `stead … --help`": so every command must answer --help. */
class HelpOptionTest {
  @ParameterizedTest
  @ValueSource(strings = {"apply", "agent", "agent run", "agent trigger", "agent restore",
      "master start", "ca list", "nodes", "report", "compile", "secret encrypt"})
  void everyCommandPrintsItsUsageForHelp(String command) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      String[] words = command.split(" ");
      String[] args = java.util.Arrays.copyOf(words, words.length + 1);
      args[words.length] = "--help";
      code = Main.execute(args);
    } finally {
      System.setOut(oldOut);
    }
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: stead " + command + " ");
  }
}
