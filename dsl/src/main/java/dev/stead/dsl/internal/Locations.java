package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import java.util.Map;
import java.util.Optional;

/**
 * Finds where in the user's code something happened, by walking a stack for the innermost
 * frame of a compiled Stead script. Works because every script is compiled under a unique
 * file name that maps back to its relative name.
 */
final class Locations {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private Locations() {}

  /** The innermost user code frame on the current thread's stack. */
  static SourceLocation caller(Map<String, String> scriptFiles, String fallbackFile) {
    return WALKER.walk(frames -> frames
        .filter(f -> f.getFileName() != null && scriptFiles.containsKey(f.getFileName())
            && f.getLineNumber() > 0)
        .findFirst()
        .map(f -> at(scriptFiles.get(f.getFileName()), f.getLineNumber())))
        .orElse(at(fallbackFile, 0));
  }

  /** The innermost user code frame in {@code error}'s stack trace, if any. */
  static Optional<SourceLocation> of(Throwable error, Map<String, String> scriptFiles) {
    for (StackTraceElement e : error.getStackTrace()) {
      if (e.getFileName() != null && scriptFiles.containsKey(e.getFileName())
          && e.getLineNumber() > 0) {
        return Optional.of(at(scriptFiles.get(e.getFileName()), e.getLineNumber()));
      }
    }
    return Optional.empty();
  }

  static SourceLocation at(String file, int line) {
    return SourceLocation.newBuilder().setFile(file).setLine(line).build();
  }

  static String format(SourceLocation location) {
    return location.getFile() + ":" + location.getLine();
  }
}
