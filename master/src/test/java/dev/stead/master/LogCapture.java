package dev.stead.master;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one class's logger publishes while the capture is open: the lines an operator reads,
 * checked by tests. Close it to stop capturing.
 */
public final class LogCapture implements AutoCloseable {
  // Held here: java.util.logging keeps loggers only weakly, and its handlers with them.
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture(Logger logger) {
    this.logger = logger;
    logger.addHandler(handler);
  }

  /** Starts capturing what the logger named after {@code source} publishes. */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(Logger.getLogger(source.getName()));
  }

  /** The records so far, oldest first. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** The records' messages so far, oldest first. */
  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
