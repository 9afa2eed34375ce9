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
  /*
   * The first batch of frames is allocated eagerly, one frame object per slot, on every walk:
   * size it for where user code is found (measured 10-25 frames below caller() in the
   * reference code) rather than for the whole Groovy stack; deeper stacks fetch further
   * batches.
   */
  private static final StackWalker WALKER = StackWalker.getInstance(java.util.Set.of(), 32);

  private Locations() {}

  /**
   * The innermost user code frame on the current thread's stack. Frames are matched by class
   * name first (script and closure classes are named after the compiled file), which is cheap;
   * only the matching frame is asked for its file and line.
   */
  static SourceLocation caller(Map<String, String> scriptFiles, String fallbackFile) {
    // A plain loop over the frames: the stream pipeline showed up on its own in profiles.
    Object found = WALKER.walk(frames -> {
      java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
      while (it.hasNext()) {
        StackWalker.StackFrame f = it.next();
        if (isScriptClass(f.getClassName(), scriptFiles) && f.getFileName() != null
            && scriptFiles.containsKey(f.getFileName()) && f.getLineNumber() > 0) {
          return f;
        }
        if (LiteralBody.isFrame(f.getClassName())) {
          // A body run without a class of its own: its statement stands for its frame.
          LiteralBody.Running statement = LiteralBody.running();
          if (statement != null && scriptFiles.containsKey(statement.file())) {
            return statement;
          }
        }
      }
      return null;
    });
    if (found instanceof StackWalker.StackFrame f) {
      return at(scriptFiles.get(f.getFileName()), f.getLineNumber());
    }
    if (found instanceof LiteralBody.Running statement) {
      return at(scriptFiles.get(statement.file()), statement.line());
    }
    return at(fallbackFile, 0);
  }

  /** Whether {@code className} (a script or one of its closures) was compiled from a script file. */
  private static boolean isScriptClass(String className, Map<String, String> scriptFiles) {
    if (!className.startsWith("Stead")) {
      return false;
    }
    int dollar = className.indexOf('$');
    String outer = dollar < 0 ? className : className.substring(0, dollar);
    return scriptFiles.containsKey(outer + ".groovy");
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
