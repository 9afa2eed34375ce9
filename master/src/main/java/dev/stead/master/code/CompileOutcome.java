package dev.stead.master.code;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.SourceLocation;
import java.util.List;
import java.util.Objects;

/** The result of compiling one node's catalog: a catalog or the errors. Immutable. */
public sealed interface CompileOutcome {

  /**
   * The code compiled into {@code catalog}; {@code fromCache} when an earlier compile's result
   * was served without evaluating code.
   */
  record Compiled(Catalog catalog, boolean fromCache) implements CompileOutcome {
    public Compiled {
      Objects.requireNonNull(catalog, "catalog");
    }
  }

  /** The code did not compile; {@code errors} is never empty. */
  record Failed(List<CompileError> errors) implements CompileOutcome {
    public Failed {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a failed compile needs at least one error");
      }
    }
  }

  static CompileOutcome compiled(Catalog catalog) {
    return new Compiled(catalog, false);
  }

  static CompileOutcome fromCache(Catalog catalog) {
    return new Compiled(catalog, true);
  }

  static CompileOutcome failed(List<CompileError> errors) {
    return new Failed(errors);
  }

  /** A failure with one error not tied to a line of code (file as given, line 0). */
  static CompileOutcome failed(String file, String message) {
    return new Failed(List.of(CompileError.newBuilder()
        .setLocation(SourceLocation.newBuilder().setFile(file))
        .setMessage(message)
        .build()));
  }
}
