package dev.stead.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;

/**
 * What a {@code stead} command line printed (standard output and error, interleaved) and its
 * exit code: run as a real child process, or in this JVM for admin commands.
 */
record Cli(int exitCode, String output) {
  static Cli run(String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = StepProcess.startEchoed(out, "", args).await(120);
    return new Cli(code, bytes.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code stead ARGS} in this JVM through {@link Main#execute}, both streams into one as
   * a child's would be. The admin commands a test runs by the dozen take this path: a child
   * JVM each cost about a second of the suite, and what they talk to (a master child process
   * over gRPC and mutual TLS) is the same either way.
   */
  static Cli inThisJvm(String... args) {
    InProcess run = InProcess.merged(args);
    return new Cli(run.exitCode(), run.out());
  }

  /**
   * Runs {@code stead ARGS} with {@code stdin} (and a newline) as its standard input; what it
   * printed, stripped. Fails the test unless it exits 0.
   */
  static String runWithInput(String stdin, String... args) throws Exception {
    Process p = new ProcessBuilder(StepProcess.command(args)).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    Assertions.assertThat(
        p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    Assertions.assertThat(p.exitValue()).as(text).isZero();
    return text.strip();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + ":\n" + output;
  }
}
