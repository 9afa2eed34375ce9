package dev.stead.master.storage.postgres;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings the database schema up to what this code knows, with Flyway, on every start; refuses
 * a database whose schema is newer (a newer master migrated it; this one would misread it).
 * Flyway by default ignores applied migrations it does not know: here none is ignored.
 */
final class SchemaMigrations {
  static final String LOCATION = "classpath:dev/stead/master/storage/postgres/migrations";
  /** Flyway's history table, named so it cannot clash with a table of ours. */
  static final String HISTORY_TABLE = "stead_schema_history";

  /**
   * Flyway and HikariCP tell every step at INFO; the master logs the outcome itself. Held here
   * so that the levels set stay set (java.util.logging keeps loggers weakly).
   */
  private static final List<Logger> CHATTY = List.of(Logger.getLogger("org.flywaydb"),
      Logger.getLogger("com.zaxxer.hikari"));

  /** Keeps Flyway's and HikariCP's INFO lines out of the master's log. */
  static void quietLibraries() {
    CHATTY.forEach(logger -> logger.setLevel(Level.WARNING));
  }

  private SchemaMigrations() {}

  /** Migrates; returns the schema version now in the database. */
  static String migrate(DataSource dataSource, PostgresLocation where) throws IOException {
    Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .ignoreMigrationPatterns(new String[0])
        .validateOnMigrate(true)
        .cleanDisabled(true)
        .load();
    try {
      MigrationInfo[] all = flyway.info().all();
      Optional<MigrationInfo> future = Arrays.stream(all)
          .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
              || m.getState() == MigrationState.FUTURE_FAILED)
          .max(Comparator.comparing(MigrationInfo::getVersion));
      if (future.isPresent()) {
        String known = Arrays.stream(all).filter(m -> m.getState().isResolved())
            .map(MigrationInfo::getVersion).max(Comparator.naturalOrder())
            .map(MigrationVersion::getVersion).orElse("none");
        throw new IOException("the database " + where + " has schema version "
            + future.get().getVersion() + ", newer than this master knows (" + known
            + "): run a master at least as new as the one that migrated it");
      }
      flyway.migrate();
      MigrationInfo current = flyway.info().current();
      return current == null ? "none" : current.getVersion().getVersion();
    } catch (FlywayException e) {
      throw new IOException("cannot bring the schema of " + where + " up to date: "
          + e.getMessage(), e);
    }
  }
}
