package dev.stead.cli;

import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.CompileError;
import java.io.PrintStream;

/** Prints what loading the code found that still works but should change. Stateless. */
final class CompileWarnings {
  private CompileWarnings() {}

  /** {@code file:line: message}, as compile errors print. */
  static String format(CompileError warning) {
    return warning.getLocation().getFile() + ":" + warning.getLocation().getLine() + ": "
        + warning.getMessage();
  }

  /** Each warning of {@code compiler} on its own line: {@code COMMAND: warning: file:line: message}. */
  static void print(Compiler compiler, String command, PrintStream err) {
    for (CompileError w : compiler.warnings()) {
      err.println(command + ": warning: " + format(w));
    }
  }
}
