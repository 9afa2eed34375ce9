package dev.stead.master.preview;

import dev.stead.master.code.Environments;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a preview compiles and for which nodes: a code directory on the master's machine, an
 * environment, or both. With an environment only its nodes are previewed, and without a
 * directory against the code that environment serves now. Immutable.
 *
 * @param codeDirectory absolute; empty: the environment's current code
 * @param environment empty: every node, whatever its environment
 */
public record PreviewTarget(Optional<Path> codeDirectory, String environment) {

  public PreviewTarget {
    if (codeDirectory.isEmpty() && environment.isEmpty()) {
      throw new IllegalArgumentException("give a code directory (--code DIR) or an environment"
          + " (--environment NAME) to preview");
    }
    codeDirectory.ifPresent(dir -> {
      if (!dir.isAbsolute()) {
        throw new IllegalArgumentException("the code directory must be an absolute path on the"
            + " master's machine, got '" + dir + "'");
      }
    });
    if (!environment.isEmpty() && Environments.nameProblem(environment) != null) {
      throw new IllegalArgumentException("environment: "
          + Environments.nameProblem(environment));
    }
  }

  /** Every node against {@code codeDirectory}. */
  public static PreviewTarget code(Path codeDirectory) {
    return new PreviewTarget(Optional.of(codeDirectory), "");
  }

  /** The nodes of {@code environment} against the code it serves now. */
  public static PreviewTarget environment(String environment) {
    return new PreviewTarget(Optional.empty(), environment);
  }

  /** From a request's fields, where empty means unset. */
  public static PreviewTarget of(String codeDirectory, String environment) {
    Optional<Path> dir;
    try {
      dir = codeDirectory.isEmpty() ? Optional.empty() : Optional.of(Path.of(codeDirectory));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path: " + codeDirectory, e);
    }
    return new PreviewTarget(dir, environment);
  }

  /** As an operator reads it in a log line or a page title. */
  public String describe() {
    String nodes = environment.isEmpty() ? "" : "the " + environment + " nodes against ";
    return nodes + codeDirectory.map(Path::toString)
        .orElse("the code " + environment + " serves now");
  }
}
