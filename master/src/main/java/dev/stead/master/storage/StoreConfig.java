package dev.stead.master.storage;

import dev.stead.master.storage.postgres.PostgresCredentials;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.master.storage.postgres.PostgresStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** Which backend holds the master's state, and how to reach it. Immutable. */
public sealed interface StoreConfig {

  /** RocksDB embedded in the master's data directory: the default, nothing to install. */
  static StoreConfig embedded() {
    return new Embedded();
  }

  /** A PostgreSQL database, which several masters may share. */
  static StoreConfig postgres(PostgresLocation location, PostgresCredentials credentials) {
    return new Postgres(location, credentials);
  }

  /** Opens the store; {@code dbDir} is where an embedded store keeps its files. */
  Store open(Path dbDir) throws IOException;

  /** Whether other masters may write the same store (so this one must look for changes). */
  boolean shared();

  /** The store as an operator names it: {@code rocksdb} or {@code postgresql://HOST:PORT/DB}. */
  String describe();

  /** RocksDB in the data directory. */
  record Embedded() implements StoreConfig {
    @Override
    public Store open(Path dbDir) throws IOException {
      // The native library from the data directory's copy, not inflated afresh each start.
      RocksLibrary.loadFrom(dbDir.toAbsolutePath().resolveSibling("native"));
      return RocksStore.open(dbDir);
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public String describe() {
      return "rocksdb";
    }
  }

  /** A PostgreSQL database; the credentials never show in {@link #toString()}. */
  record Postgres(PostgresLocation location, PostgresCredentials credentials)
      implements StoreConfig {
    public Postgres {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public Store open(Path dbDir) throws IOException {
      return PostgresStore.open(location, credentials);
    }

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public String describe() {
      return location.toString();
    }
  }
}
