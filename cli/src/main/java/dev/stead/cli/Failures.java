package dev.stead.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** One-line descriptions of failures, for people rather than for debuggers. */
final class Failures {
  private Failures() {}

  /**
   * What a message from {@code command} starts with: the whole command as typed
   * ({@code "stead ca sign: "}), so that a message names the command it came from.
   */
  static String prefix(CommandLine command) {
    return command.getCommandSpec().qualifiedName() + ": ";
  }

  static String describe(Throwable error) {
    if (error instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (error instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    String message = error.getMessage();
    if (message == null || message.isBlank()) {
      message = error.getClass().getSimpleName();
    }
    if (Boolean.getBoolean("stead.debug") || LogSetup.current() == LogSetup.Verbosity.DEBUG) {
      error.printStackTrace();
    }
    return message;
  }
}
