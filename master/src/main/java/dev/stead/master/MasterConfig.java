package dev.stead.master;

import dev.stead.master.rpc.ConnectionLimits;
import dev.stead.master.storage.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to run a master. Immutable.
 *
 * @param dataDir the master's state: {@code ca/}, {@code admin/}, {@code db/},
 *     {@code master.address}; created when missing
 * @param codeDir the code: one environment per {@code environments/NAME/}, or one at its top
 *     ({@code site.groovy}, {@code modules/}, {@code data/}), served as production
 * @param modulePath further directories of modules, searched after {@code codeDir/modules}
 * @param host the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port, or 0 to pick a free one ({@link Master#port()} tells which)
 * @param autosignGlob sign requests whose certname matches these comma-separated globs at
 *     once (e.g. {@code *.example.com}, {@code *}); null or blank = off
 * @param connectionLimits how long and how many connections the port keeps (null: the
 *     defaults)
 * @param store where nodes, catalogs, reports and certificates are kept (null: RocksDB in
 *     {@code dataDir/db})
 */
public record MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host,
    int port, String autosignGlob, ConnectionLimits connectionLimits, StoreConfig store) {

  /** A master on the embedded store. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob, ConnectionLimits connectionLimits) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, connectionLimits, null);
  }

  /** A master with the default {@link ConnectionLimits}. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, null, null);
  }

  public MasterConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(codeDir, "codeDir");
    modulePath = modulePath == null ? List.of() : List.copyOf(modulePath);
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host is blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
    }
    connectionLimits = connectionLimits == null ? ConnectionLimits.defaults() : connectionLimits;
    store = store == null ? StoreConfig.embedded() : store;
  }

  public MasterConfig withConnectionLimits(ConnectionLimits limits) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob, limits,
        store);
  }

  public MasterConfig withStore(StoreConfig store) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob,
        connectionLimits, store);
  }
}
