package dev.stead.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One log record, one line: {@code 2026-12-03T10:00:00.123Z INFO  catalog served node=web1}.
 * The time is ISO-8601 in UTC to the millisecond, the level one of ERROR, WARN, INFO, DEBUG,
 * TRACE, padded so messages line up. Line breaks and other control characters in a message
 * are written as escapes, so text from the network cannot forge a line of its own. An
 * exception is named at the end of its line; its stack trace follows, indented, only when
 * {@code stackTraces} (with {@code --debug}, which also names each record's logger).
 */
final class LogLineFormatter extends Formatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private final boolean stackTraces;

  LogLineFormatter(boolean stackTraces) {
    this.stackTraces = stackTraces;
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(120);
    TIME.formatTo(record.getInstant(), line);
    String level = level(record.getLevel());
    line.append(' ').append(level).append(" ".repeat(6 - level.length()));
    oneLine(formatMessage(record), line);
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      line.append(": ");
      oneLine(thrown.toString(), line);
    }
    if (stackTraces && record.getLoggerName() != null) {
      line.append("  [").append(record.getLoggerName()).append(']');
    }
    line.append(System.lineSeparator());
    if (stackTraces && thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      // Indented: a line that starts with a time always starts a record.
      trace.toString().lines().forEach(l -> line.append("    ").append(l)
          .append(System.lineSeparator()));
    }
    return line.toString();
  }

  static String level(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (value >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (value >= Level.INFO.intValue()) {
      return "INFO";
    }
    if (value >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }

  private static void oneLine(String text, StringBuilder out) {
    if (text == null) {
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int type = Character.getType(c);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
  }
}
