package dev.stead.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs a {@code stead} command line in this JVM through {@link Main#execute} and captures
 * what it printed; {@link Cli#run} runs it as a child process instead.
 */
record InProcess(int exitCode, String out, String err) {
  static InProcess run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = execute(print(out), print(err), args);
    return new InProcess(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Like {@link #run}, but both streams go into {@link #out} in the order they were written,
   * as a child's would with its error stream redirected; {@link #err} is empty.
   */
  static InProcess merged(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = print(bytes);
    int code = execute(both, both, args);
    return new InProcess(code, bytes.toString(StandardCharsets.UTF_8), "");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  /**
   * System.out and System.err belong to the whole JVM: one command at a time swaps them, or
   * two running at once would capture each other's output and restore the wrong streams.
   */
  private static int execute(PrintStream out, PrintStream err, String... args) {
    synchronized (InProcess.class) {
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      try {
        System.setOut(out);
        System.setErr(err);
        return Main.execute(args);
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    }
  }
}
