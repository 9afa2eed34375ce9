package dev.stead.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log of every command: every java.util.logging record as one {@link LogLineFormatter}
 * line on standard error. Three levels, chosen by {@link LogOptions} on any command: the
 * default (what an operator acts on: INFO and up), {@code --verbose} (Stead's DEBUG lines
 * too) and {@code --debug} (Stead's TRACE lines, gRPC's DEBUG lines, stack traces, also of a
 * command's failure).
 */
final class LogSetup {
  /** How much to log; picocli reads it from {@code --verbose}/{@code --debug}. */
  enum Verbosity {
    NORMAL, VERBOSE, DEBUG;

    static Verbosity of(boolean verbose, boolean debug) {
      return debug ? DEBUG : verbose ? VERBOSE : NORMAL;
    }
  }

  // JUL holds loggers weakly: a level set on one that is collected would be forgotten.
  private static final Logger ROOT = Logger.getLogger("");
  private static final Logger STEAD = Logger.getLogger("dev.stead");
  private static final Logger GRPC = Logger.getLogger("io.grpc");
  private static final Logger NETTY = Logger.getLogger("io.netty");
  private static volatile Verbosity current = Verbosity.NORMAL;

  private LogSetup() {}

  /** Replaces the JVM's default two-line console log with ours. */
  static void install(Verbosity verbosity) {
    for (Handler handler : ROOT.getHandlers()) {
      ROOT.removeHandler(handler);
    }
    current = verbosity;
    Handler handler = new StandardErrorHandler(new LogLineFormatter(verbosity == Verbosity.DEBUG));
    handler.setLevel(Level.ALL);
    ROOT.addHandler(handler);
    ROOT.setLevel(Level.INFO);
    switch (verbosity) {
      case NORMAL -> STEAD.setLevel(Level.INFO);
      case VERBOSE -> STEAD.setLevel(Level.FINE);
      case DEBUG -> {
        STEAD.setLevel(Level.FINEST);
        GRPC.setLevel(Level.FINE);
      }
    }
    if (verbosity != Verbosity.DEBUG) {
      // The libraries' INFO lines (connection details) mean nothing to an operator.
      GRPC.setLevel(Level.WARNING);
      NETTY.setLevel(Level.WARNING);
    }
    Logger.getLogger(LogSetup.class.getName()).fine(() -> "logging at " + switch (verbosity) {
      case NORMAL -> "normal";
      case VERBOSE -> "verbose: Stead's DEBUG lines too";
      case DEBUG -> "debug: Stead's TRACE lines, gRPC's DEBUG lines, stack traces";
    });
  }

  /** The verbosity last installed. */
  static Verbosity current() {
    return current;
  }

  /**
   * A stream whose lines become INFO records of {@code logger}, for the agent daemon's
   * messages (written as lines for the terminal of {@code agent run --once}), so that the
   * daemon's log has one format. A leading {@code prefix} is dropped: the format says who.
   */
  static PrintStream lines(Logger logger, String prefix) {
    return new PrintStream(new LineSink(logger, prefix), true, StandardCharsets.UTF_8);
  }

  private static final class LineSink extends OutputStream {
    private final Logger logger;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSink(Logger logger, String prefix) {
      this.logger = logger;
      this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.startsWith(prefix)) {
          text = text.substring(prefix.length());
        }
        if (!text.isBlank()) {
          logger.info(text);
        }
      } else {
        line.write(b);
      }
    }
  }

  /**
   * Writes each line to standard error as it is when the record is published (tests and the
   * demo swap it), flushed at once so no tail is lost. The line is formatted before the
   * stream is locked: a master logs each check-in, and with the whole publish under one lock
   * its request threads queued there, behind a holder the scheduler had paused (JFR: the
   * busiest monitor of a master serving 333 check-ins a second).
   */
  private static final class StandardErrorHandler extends Handler {
    StandardErrorHandler(LogLineFormatter formatter) {
      setFormatter(formatter);
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line = getFormatter().format(record);
      PrintStream err = System.err;
      synchronized (err) { // one line and its flush together
        err.print(line);
        err.flush();
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {
      flush(); // never close standard error
    }
  }
}
