package dev.stead.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code stead} as a real child process and captures what it printed. */
record Cli(int exitCode, String output) {
  static Cli run(String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = StepProcess.startEchoed(out, "", args).await(120);
    return new Cli(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + ":\n" + output;
  }
}
