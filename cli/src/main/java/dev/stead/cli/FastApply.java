package dev.stead.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code stead apply} without picocli on the common path. picocli's classes cannot go into the
 * AppCDS archive (old bytecode) and building even a one-command tree reflects over the
 * annotations: ~0.2 s of every run on every server. This parser accepts exactly the well-formed
 * command lines picocli would accept for {@link ApplyCommand} and fills the same fields; for
 * anything else (help, unknown or repeated options, a bad value, an {@code @file}, an option
 * value that looks like an option) it returns null and {@link Main} hands the whole command
 * line to picocli, so messages and exit codes on every error path stay picocli's.
 */
final class FastApply {
  private FastApply() {}

  /** The parsed command for {@code args} (starting with "apply"), or null to use picocli. */
  static ApplyCommand parse(String[] args) {
    ApplyCommand command = new ApplyCommand();
    Set<String> seen = new HashSet<>();
    int positionals = 0;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.isEmpty() || arg.charAt(0) == '@') {
        return null;
      }
      if (arg.charAt(0) != '-') {
        if (positionals++ > 0) {
          return null;
        }
        command.manifest = path(arg);
        if (command.manifest == null) {
          return null;
        }
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      // Only --modulepath may repeat; picocli rejects any other option given twice.
      if (!seen.add(name) && !name.equals("--modulepath")) {
        return null;
      }
      switch (name) {
        case "--noop", "--no-catalog-cache", "--json" -> {
          if (value != null) {
            return null;
          }
          switch (name) {
            case "--noop" -> command.noop = true;
            case "--json" -> command.json = true;
            default -> command.noCatalogCache = true;
          }
        }
        case "--root", "--state", "--modulepath", "--facts", "--facts-dir", "--certname",
            "--resource-timeout" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              return null;
            }
            value = args[++i];
          }
          if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@') {
            return null;
          }
          if (!set(command, name, value)) {
            return null;
          }
        }
        default -> {
          return null;
        }
      }
    }
    return positionals == 1 ? command : null;
  }

  /** Sets one valued option; false when picocli would reject the value. */
  private static boolean set(ApplyCommand command, String name, String value) {
    switch (name) {
      case "--certname" -> command.certname = value;
      case "--root" -> command.root = path(value);
      case "--state" -> command.state = path(value);
      case "--facts" -> command.facts = path(value);
      case "--facts-dir" -> command.factsDir = path(value);
      case "--modulepath" -> {
        for (String part : value.split(":")) {
          Path p = path(part);
          if (p == null) {
            return false;
          }
          command.modulePath.add(p);
        }
      }
      default -> {
        try {
          command.resourceTimeout = new DurationConverter().convert(value);
        } catch (RuntimeException badDuration) {
          return false;
        }
      }
    }
    return command.root != null && command.state != null
        && (!name.equals("--facts") || command.facts != null)
        && (!name.equals("--facts-dir") || command.factsDir != null);
  }

  private static Path path(String value) {
    try {
      return Path.of(value);
    } catch (RuntimeException invalid) {
      return null;
    }
  }

  /** Runs a parsed command as picocli would: its exit code, or 1 with the failure on stderr. */
  static int run(ApplyCommand command) {
    try {
      Integer code = command.call();
      return code == null ? 0 : code;
    } catch (Exception error) {
      System.err.println("stead apply: " + Failures.describe(error));
      System.err.flush();
      return 1;
    }
  }
}
