package dev.stead.dsl;

import dev.stead.proto.v1.CompileError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The code could not be compiled. Carries every error found, each with file and line;
 * {@link #getMessage()} prints them one per line as {@code file:line: message}
 * ({@code file:line:column: message} for a syntax error, whose message then goes on with the
 * offending line and a caret under the column).
 */
public final class CompileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<CompileError> errors;

  public CompileException(List<CompileError> errors) {
    super(format(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a compile exception needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<CompileError> errors() {
    return errors;
  }

  static String format(List<CompileError> errors) {
    return errors.stream()
        .map(e -> e.getLocation().getFile() + ":" + e.getLocation().getLine()
            + (e.getLocation().getColumn() > 0 ? ":" + e.getLocation().getColumn() : "") + ": "
            + e.getMessage())
        .collect(Collectors.joining("\n"));
  }
}
