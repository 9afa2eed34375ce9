package dev.stead.master.storage.postgres;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.stead.master.storage.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The JDBC plumbing every part of the PostgreSQL store shares: a pooled connection per unit of
 * work, transactions, statements with their arguments bound, stored protobuf values read back,
 * and every {@link SQLException} turned into a {@link StoreException} naming what failed and
 * where. Thread-safe.
 */
final class Sql {
  /** Work on one pooled connection. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** The body of a transaction. */
  interface Body<T> {
    T run() throws SQLException;
  }

  private final DataSource pool;
  private final PostgresLocation location;
  private final Runnable requireOpen;

  /**
   * @param requireOpen throws a {@link StoreException} once the store is closed
   */
  Sql(DataSource pool, PostgresLocation location, Runnable requireOpen) {
    this.pool = pool;
    this.location = location;
    this.requireOpen = requireOpen;
  }

  <T> T run(String what, Work<T> work) {
    requireOpen.run();
    try (Connection connection = pool.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " in " + location + ": " + e.getMessage(), e);
    }
  }

  void update(String what, String sql, Object... args) {
    run(what, connection -> {
      try (PreparedStatement statement = prepare(connection, sql, args)) {
        statement.executeUpdate();
      }
      return null;
    });
  }

  <T extends Message> Optional<T> one(String sql, Parser<T> parser, Object... args) {
    List<T> found = list(sql, parser, args);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  <T extends Message> List<T> list(String sql, Parser<T> parser, Object... args) {
    return run("read", connection -> {
      List<T> out = new ArrayList<>();
      try (PreparedStatement query = prepare(connection, sql, args);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          out.add(parse(rows.getBytes(1), parser));
        }
      }
      return List.copyOf(out);
    });
  }

  static <T> T transaction(Connection connection, Body<T> body) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = body.run();
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Runs {@code sql}: the number of rows it changed, 0 for a query. */
  static int execute(Connection connection, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, args)) {
      if (statement.execute()) {
        return 0;
      }
      return statement.getUpdateCount();
    }
  }

  static PreparedStatement prepare(Connection connection, String sql, Object... args)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      return statement;
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  static <T extends Message> T parse(byte[] bytes, Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("a stored value is corrupt: " + e.getMessage(), e);
    }
  }
}
