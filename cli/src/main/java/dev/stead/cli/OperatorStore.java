package dev.stead.cli;

import dev.stead.master.storage.SharedState;
import dev.stead.master.storage.Store;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.web.OperatorPasswords;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where {@code stead operator} finds the logins: {@code DATA/operators}, or, for masters
 * that share a PostgreSQL store and keys (--shared-key-file), that store.
 */
final class OperatorStore {
  @Option(names = "--data", description = "The master's data directory (default: ${DEFAULT-VALUE}).")
  Path data = Defaults.MASTER_DATA;

  @Option(names = "--store", paramLabel = "STORE", description = "For masters sharing a PostgreSQL store with --shared-key-file: postgresql://HOST:PORT/DB, where their logins are (default: DATA/operators).")
  String store;

  @Option(names = "--store-credentials", paramLabel = "FILE", description = "The PostgreSQL login, as for `stead master start` (default: PGUSER and PGPASSWORD).")
  Path storeCredentials;

  /** Runs {@code work} on the logins; the store, if opened, is closed afterwards. */
  <T> T with(Work<T> work) throws Exception {
    if (store == null) {
      if (storeCredentials != null) {
        throw new IllegalArgumentException("--store-credentials goes with --store");
      }
      return work.run(new OperatorPasswords(data.toAbsolutePath()));
    }
    StoreConfig config = MasterCommand.Start.storeConfig(store, storeCredentials);
    if (!config.shared()) {
      throw new IllegalArgumentException("--store " + store + ": logins live in a store only"
          + " when it is a PostgreSQL store masters share; leave --store out for DATA/operators");
    }
    try (Store opened = config.open(null)) {
      return work.run(OperatorPasswords.shared(data.toAbsolutePath(), (SharedState) opened));
    }
  }

  interface Work<T> {
    T run(OperatorPasswords operators) throws Exception;
  }

}
