package dev.stead.master.storage.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.stead.master.storage.CaRoleLock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The CA role as a PostgreSQL session-level advisory lock, held on a connection of its own
 * for as long as the master holds the role. The database frees it when that session ends: a
 * master that stops, a process killed (its socket closes), and — through the session's
 * {@code idle_session_timeout}, which {@link #renew()} keeps from running out — a master whose
 * machine vanished without closing anything, once the lease has passed.
 */
final class PostgresCaLock implements CaRoleLock {
  private static final Logger LOG = Logger.getLogger(PostgresCaLock.class.getName());
  /** The advisory lock's key pair: a class no other lock of the store uses, then the role. */
  private static final int LOCK_CLASS = 0x53544341;
  private static final int CA_ROLE = 1;
  /** PostgreSQL's code for an unknown setting: a server older than 14 has no idle timeout. */
  private static final String UNDEFINED_OBJECT = "42704";

  private final HikariDataSource pool;
  private final Duration lease;
  private final PostgresLocation location;
  private Connection session;
  private boolean closed;

  private PostgresCaLock(HikariDataSource pool, Duration lease, PostgresLocation location,
      Connection session) {
    this.pool = pool;
    this.lease = lease;
    this.location = location;
    this.session = session;
  }

  /**
   * Takes the lock, or empty when another session holds it.
   *
   * @param lease how long the database keeps the lock of a holder that stopped renewing it
   */
  static Optional<CaRoleLock> tryTake(HikariDataSource pool, Duration lease,
      PostgresLocation location) throws SQLException {
    Connection session = take(pool, lease, location);
    return session == null ? Optional.empty()
        : Optional.of(new PostgresCaLock(pool, lease, location, session));
  }

  /** A session holding the lock, or null (and no session kept) when another holds it. */
  private static Connection take(HikariDataSource pool, Duration lease,
      PostgresLocation location) throws SQLException {
    Connection connection = pool.getConnection();
    boolean held = false;
    try (Statement statement = connection.createStatement()) {
      try {
        statement.execute("SET idle_session_timeout = " + lease.toMillis());
      } catch (SQLException e) {
        if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
          throw e;
        }
        LOG.warning(() -> "the PostgreSQL server at " + location + " has no idle_session_timeout"
            + " (before version 14): a CA master whose machine is lost keeps the CA lock until"
            + " the server notices its connection is gone");
      }
      try (ResultSet row = statement.executeQuery(
          "SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", " + CA_ROLE + ")")) {
        held = row.next() && row.getBoolean(1);
      }
      return held ? connection : null;
    } finally {
      if (!held) {
        // Its session carries the lease setting: it must not go back to the pool.
        pool.evictConnection(connection);
      }
    }
  }

  @Override
  public synchronized boolean renew() {
    if (closed) {
      return false;
    }
    String ended = null;
    if (session != null) {
      try (Statement statement = session.createStatement()) {
        statement.execute("SELECT 1");
        return true;
      } catch (SQLException lost) {
        pool.evictConnection(session);
        session = null;
        ended = lost.getMessage();
      }
    }
    // The session ended, now or at an earlier renewal while another held the lock: the lock
    // is taken again as soon as it is free.
    try {
      session = take(pool, lease, location);
    } catch (SQLException e) {
      LOG.warning(() -> "cannot take the CA lock again in " + location + ": " + e.getMessage());
      return false;
    }
    if (session != null) {
      String why = ended == null ? "it was held by another session" : "its session ended ("
          + ended + ")";
      LOG.warning(() -> "the CA lock in " + location + " is taken again; " + why);
    }
    return session != null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (session == null) {
      return;
    }
    // Unlocked here, at once; the pool closes an evicted session later, on its own thread.
    try (Statement statement = session.createStatement()) {
      statement.execute("SELECT pg_advisory_unlock(" + LOCK_CLASS + ", " + CA_ROLE + ")");
    } catch (SQLException e) {
      LOG.fine(() -> "the CA lock's session is gone already: " + e.getMessage());
    }
    // Its session carries the lease setting: it must not go back to the pool.
    pool.evictConnection(session);
    session = null;
  }
}
