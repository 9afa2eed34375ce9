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
 * @param dnsAltNames further names (DNS names or IP literals) the server certificate
 *     carries: the shared name agents use for several masters (null: none)
 * @param caRole this master holds the CA key (in {@code dataDir/ca}, created on first start)
 *     and signs; false only on a shared store, where the CA master signs what this one
 *     stores
 * @param sharedKeyFile on a shared store: the key-encryption key every master is given, which
 *     wraps the secrets key the masters share in the database (null: the secrets key stays
 *     in {@code dataDir}, this master's own)
 */
public record MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host,
    int port, String autosignGlob, ConnectionLimits connectionLimits, StoreConfig store,
    List<String> dnsAltNames, boolean caRole, Path sharedKeyFile) {

  /** A master whose secrets key stays in its data directory. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob, ConnectionLimits connectionLimits, StoreConfig store,
      List<String> dnsAltNames, boolean caRole) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, connectionLimits, store,
        dnsAltNames, caRole, null);
  }

  /** A master holding the CA key. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob, ConnectionLimits connectionLimits, StoreConfig store,
      List<String> dnsAltNames) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, connectionLimits, store,
        dnsAltNames, true);
  }

  /** A master on {@code store} whose certificate carries no further names. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob, ConnectionLimits connectionLimits, StoreConfig store) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, connectionLimits, store, null);
  }

  /** A master on the embedded store. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob, ConnectionLimits connectionLimits) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, connectionLimits, null);
  }

  /** A master with the default {@link ConnectionLimits}. */
  public MasterConfig(Path dataDir, Path codeDir, List<Path> modulePath, String host, int port,
      String autosignGlob) {
    this(dataDir, codeDir, modulePath, host, port, autosignGlob, null, null, null);
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
    dnsAltNames = dnsAltNames == null ? List.of() : dnsAltNames.stream()
        .map(name -> dev.stead.master.ca.Hostnames.altName(name, "dns alt name")).distinct()
        .toList();
    if (!caRole && !store.shared()) {
      throw new IllegalArgumentException("a master without the CA role needs a store other"
          + " masters share (postgresql://...), where the CA master signs what it stores; "
          + store.describe() + " is this master's own");
    }
    if (sharedKeyFile != null && !store.shared()) {
      throw new IllegalArgumentException("--shared-key-file wraps keys the masters share in"
          + " their database; " + store.describe() + " is this master's own");
    }
  }

  public MasterConfig withConnectionLimits(ConnectionLimits limits) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob, limits,
        store, dnsAltNames, caRole, sharedKeyFile);
  }

  public MasterConfig withStore(StoreConfig store) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob,
        connectionLimits, store, dnsAltNames, caRole, sharedKeyFile);
  }

  /** The same master, its server certificate also valid for {@code names}. */
  public MasterConfig withDnsAltNames(List<String> names) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob,
        connectionLimits, store, names, caRole, sharedKeyFile);
  }

  /** The same master, the keys it shares with others wrapped by the key in {@code file}. */
  public MasterConfig withSharedKeyFile(Path file) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob,
        connectionLimits, store, dnsAltNames, caRole, file);
  }

  /** The same master, holding the CA key or not ({@code caRole}). */
  public MasterConfig withCaRole(boolean caRole) {
    return new MasterConfig(dataDir, codeDir, modulePath, host, port, autosignGlob,
        connectionLimits, store, dnsAltNames, caRole, sharedKeyFile);
  }
}
