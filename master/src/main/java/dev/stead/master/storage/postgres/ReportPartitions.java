package dev.stead.master.storage.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daily partitions of the reports table: {@code reports_YYYYMMDD} holds the reports that
 * started on that UTC day. Partitions are created on first use and dropped whole by
 * retention; masters sharing the database serialize both with an advisory lock. Thread-safe.
 */
final class ReportPartitions {
  static final long DAY_MS = 86_400_000L;
  /** Advisory lock key (first half) for partition changes; the second half is 0. */
  private static final int LOCK = 0x53544450; // "STDP"

  /** Days known to have a partition; forgotten when one is dropped (here or elsewhere). */
  private final Set<Long> known = ConcurrentHashMap.newKeySet();

  /** The day (since the epoch, UTC) a report started at {@code startedAtMs} belongs to. */
  static long day(long startedAtMs) {
    return Math.floorDiv(startedAtMs, DAY_MS);
  }

  static String name(long day) {
    LocalDate date = LocalDate.ofEpochDay(day);
    return String.format("reports_%04d%02d%02d", date.getYear(), date.getMonthValue(),
        date.getDayOfMonth());
  }

  /** Makes sure the partition of {@code day} exists. */
  void ensure(Connection connection, long day) throws SQLException {
    if (known.contains(day)) {
      return;
    }
    long from = day * DAY_MS;
    // The last day's upper bound would not fit in a bigint.
    String to = day >= day(Long.MAX_VALUE) ? "MAXVALUE" : Long.toString(from + DAY_MS);
    locked(connection, statement -> statement.execute("CREATE TABLE IF NOT EXISTS "
        + name(day) + " PARTITION OF reports FOR VALUES FROM (" + from + ") TO (" + to + ")"));
    known.add(day);
  }

  /** Forgets that {@code day} has a partition (another master may have dropped it). */
  void forget(long day) {
    known.remove(day);
  }

  /**
   * Drops every partition whose whole day lies before {@code cutoffMs}.
   *
   * @return how many reports the dropped partitions held
   */
  int dropBefore(Connection connection, long cutoffMs) throws SQLException {
    int[] dropped = {0};
    locked(connection, statement -> {
      for (long day : existing(connection)) {
        if (day < day(cutoffMs)) { // the whole day lies before the cutoff
          try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + name(day))) {
            rows.next();
            dropped[0] += rows.getInt(1);
          }
          statement.execute("DROP TABLE " + name(day));
          known.remove(day);
        }
      }
    });
    return dropped[0];
  }

  /** The days that have a partition, oldest first. */
  List<Long> existing(Connection connection) throws SQLException {
    List<Long> days = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT c.relname FROM "
        + "pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        + "WHERE i.inhparent = 'reports'::regclass ORDER BY c.relname");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String digits = rows.getString(1).substring("reports_".length());
        int length = digits.length();
        days.add(LocalDate.of(Integer.parseInt(digits.substring(0, length - 4)),
            Integer.parseInt(digits.substring(length - 4, length - 2)),
            Integer.parseInt(digits.substring(length - 2))).toEpochDay());
      }
    }
    days.sort(null);
    return days;
  }

  private interface Work {
    void run(Statement statement) throws SQLException;
  }

  /** Runs {@code work} in one transaction holding the partition lock. */
  private static void locked(Connection connection, Work work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ", 0)");
      work.run(statement);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }
}
