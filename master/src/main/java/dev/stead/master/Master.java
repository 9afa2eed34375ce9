package dev.stead.master;

import dev.stead.master.ca.AdminCredentials;
import dev.stead.master.ca.AutosignPolicy;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.CertificateRegistry;
import dev.stead.master.ca.PrivateFiles;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.ReloadingCatalogSource;
import dev.stead.master.rpc.AccessPolicy;
import dev.stead.master.rpc.AdminEndpoint;
import dev.stead.master.rpc.BootstrapEndpoint;
import dev.stead.master.rpc.CatalogEndpoint;
import dev.stead.master.rpc.ReportEndpoint;
import dev.stead.master.rpc.TlsServer;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.RocksStore;
import dev.stead.master.storage.Store;
import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running master: the CA, the store and the gRPC server on one TLS port.
 *
 * <p>{@link #start} creates what a first start needs under {@code dataDir} ({@code ca/},
 * {@code admin/}, {@code db/}) and reuses it afterwards; it writes
 * {@code dataDir/master.address} once the port is bound and {@link #close} removes it.
 * {@link #close} is idempotent and safe to call from a shutdown hook.
 */
public final class Master implements AutoCloseable {
  private static final String CA_DIR = "ca";
  private static final String ADMIN_DIR = "admin";
  private static final String DB_DIR = "db";

  private final Path dataDir;
  private final Server server;
  private final Store store;
  private final String caFingerprint;
  private final String address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Master(Path dataDir, Server server, Store store, String caFingerprint,
      String address) {
    this.dataDir = dataDir;
    this.server = server;
    this.store = store;
    this.caFingerprint = caFingerprint;
    this.address = address;
  }

  /**
   * Starts a master compiling with the Stead language from {@code config.codeDir()}.
   *
   * @throws IOException when the data directory cannot be set up or is in use, or the
   *     address cannot be bound; the message is one line, fit for an operator
   */
  public static Master start(MasterConfig config) throws IOException {
    return start(config,
        ReloadingCatalogSource.forEnvironment(config.codeDir(), config.modulePath()));
  }

  /** Starts a master with catalogs from {@code source} (tests, embedding). */
  static Master start(MasterConfig config, CatalogSource source) throws IOException {
    Path dataDir = config.dataDir().toAbsolutePath();
    PrivateFiles.ownerOnlyDirectory(dataDir);
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dataDir.resolve(CA_DIR));
    ServerCredentials serverCredentials =
        ServerCredentials.loadOrCreate(dataDir.resolve(CA_DIR), ca, config.host());
    AdminCredentials.loadOrCreate(dataDir.resolve(ADMIN_DIR), ca);
    RocksStore store = RocksStore.open(dataDir.resolve(DB_DIR));
    Server server;
    try {
      CertificateRegistry registry =
          new CertificateRegistry(ca, store, AutosignPolicy.glob(config.autosignGlob()));
      Nodes nodes = new Nodes(store);
      server = TlsServer.start(config.host(), config.port(), serverCredentials.key(),
          serverCredentials.certificate(), ca.certificate(),
          List.of(
              new BootstrapEndpoint(registry).bindService(),
              new CatalogEndpoint(store, nodes, source).bindService(),
              new ReportEndpoint(store, nodes).bindService(),
              new AdminEndpoint(registry, store).bindService()),
          AccessPolicy.standard());
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    String address = MasterAddress.format(config.host(), port);
    Master master = new Master(dataDir, server, store, ca.fingerprint(), address);
    try {
      PrivateFiles.writePublic(dataDir.resolve(MasterAddress.FILE), address + "\n");
    } catch (IOException e) {
      master.close();
      throw e;
    }
    System.out.println("stead master: listening on " + address + " (CA fingerprint "
        + ca.fingerprint() + ")");
    return master;
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** {@code host:port} as written to {@code master.address}. */
  public String address() {
    return address;
  }

  /** The CA certificate's fingerprint, {@code SHA256:AB:CD:...}: what agents pin. */
  public String caFingerprint() {
    return caFingerprint;
  }

  /** Blocks until the master has been closed. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops accepting calls, lets calls in flight finish (a few seconds at most), closes the
   * database cleanly and removes {@code master.address}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    store.close();
    try {
      Files.deleteIfExists(dataDir.resolve(MasterAddress.FILE));
    } catch (IOException e) {
      System.err.println("stead master: cannot remove " + dataDir.resolve(MasterAddress.FILE)
          + ": " + e.getMessage());
    }
  }
}
