package dev.stead.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --verbose} and {@code --debug}, a picocli mixin that {@link #addTo} puts on every
 * command, so any command can be asked for more log (e.g. {@code stead nodes --debug}). The
 * command line's verbosity is the most any of its commands was asked for
 * ({@link #asked}); {@link LogSetup} then installs the one log format for it.
 */
final class LogOptions {
  private static final String MIXIN = "logging";

  @Option(names = "--verbose", description = "Log more: Stead's DEBUG lines too.")
  boolean verbose;

  @Option(names = "--debug",
      description = "Log everything: Stead's TRACE lines, gRPC's DEBUG lines, stack traces.")
  boolean debug;

  /** A command whose own options can ask for verbose logging ({@code agent run --test}). */
  interface Verbose {
    boolean verbose();
  }

  /** Mixes the options into {@code line} and each of its subcommands, at any depth. */
  static void addTo(CommandLine line) {
    if (!line.getCommandSpec().mixins().containsKey(MIXIN)) {
      line.addMixin(MIXIN, new LogOptions());
    }
    line.getSubcommands().values().forEach(LogOptions::addTo);
  }

  /** The verbosity asked for anywhere on the parsed command line ({@code stead --debug nodes}). */
  static LogSetup.Verbosity asked(CommandLine.ParseResult parsed) {
    boolean verbose = false;
    boolean debug = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      CommandLine.Model.CommandSpec mixin = p.commandSpec().mixins().get(MIXIN);
      if (mixin != null && mixin.userObject() instanceof LogOptions options) {
        verbose |= options.verbose;
        debug |= options.debug;
      }
      verbose |= p.commandSpec().userObject() instanceof Verbose v && v.verbose();
    }
    return LogSetup.Verbosity.of(verbose, debug);
  }
}
