package dev.stead.master;

import dev.stead.dsl.CodeCache;
import dev.stead.master.ca.AdminCredentials;
import dev.stead.master.ca.AutosignPolicy;
import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.ca.CertificateRegistry;
import dev.stead.master.ca.Hostnames;
import dev.stead.master.ca.MasterIssuer;
import dev.stead.master.ca.PrivateFiles;
import dev.stead.master.ca.Revocations;
import dev.stead.master.ca.ServerCredentials;
import dev.stead.master.ca.SharedAuthority;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.ClassifiedCatalogSource;
import dev.stead.master.code.CompileSlots;
import dev.stead.master.code.CompiledVersions;
import dev.stead.master.code.Environments;
import dev.stead.master.code.StoredDigestMemory;
import dev.stead.master.code.FleetRecordingCatalogSource;
import dev.stead.master.code.FleetViews;
import dev.stead.master.fleet.Compliance;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.fleet.DriftExceptions;
import dev.stead.master.fleet.FleetConfig;
import dev.stead.master.fleet.Retention;
import dev.stead.master.forward.ReportForwarder;
import dev.stead.master.jobs.ConnectedAgents;
import dev.stead.master.jobs.Jobs;
import dev.stead.master.metrics.MasterMetrics;
import dev.stead.master.metrics.MetricsServer;
import dev.stead.master.metrics.TimedCatalogSource;
import dev.stead.master.preview.FleetPreview;
import dev.stead.master.rollout.Releases;
import dev.stead.master.rollout.RolloutCatalogSource;
import dev.stead.master.rollout.Rollouts;
import dev.stead.master.rpc.AccessPolicy;
import dev.stead.master.rpc.AdminEndpoint;
import dev.stead.master.rpc.BootstrapEndpoint;
import dev.stead.master.rpc.CatalogEndpoint;
import dev.stead.master.rpc.CatalogQueue;
import dev.stead.master.rpc.CertificateEndpoint;
import dev.stead.master.rpc.CommandEndpoint;
import dev.stead.master.rpc.ConnectionCounts;
import dev.stead.master.rpc.FileEndpoint;
import dev.stead.master.rpc.FleetEndpoint;
import dev.stead.master.rpc.JobEndpoint;
import dev.stead.master.rpc.MasterEndpoint;
import dev.stead.master.rpc.PreviewEndpoint;
import dev.stead.master.rpc.ReportEndpoint;
import dev.stead.master.rpc.RolloutEndpoint;
import dev.stead.master.rpc.ServerConcurrency;
import dev.stead.master.rpc.SourceGrants;
import dev.stead.master.rpc.TlsServer;
import dev.stead.master.schedule.RunSlots;
import dev.stead.master.secrets.MasterKey;
import dev.stead.master.secrets.SecretService;
import dev.stead.master.secrets.SharedKeys;
import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.SharedState;
import dev.stead.master.storage.Store;
import dev.stead.master.web.Dashboard;
import dev.stead.master.web.OperatorPasswords;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.wire.HostPort;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running master: the CA, the store and the gRPC server on one TLS port.
 *
 * <p>Built with {@link #builder}; {@link Builder#start} creates what a first start needs
 * under {@code dataDir} ({@code ca/}, {@code admin/}, {@code db/}) and reuses it afterwards;
 * it writes {@code dataDir/master.address} once the port is bound and {@link #close} removes
 * it. A master writes nothing to the console; it logs through {@code java.util.logging}.
 * {@link #close} is idempotent and safe to call from a shutdown hook.
 */
public final class Master implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Master.class.getName());
  private static final String CA_DIR = "ca";
  private static final String ADMIN_DIR = "admin";
  private static final String DB_DIR = "db";
  /** The client certificate chains the port accepted, kept across restarts. */
  private static final String CLIENT_CHAINS_FILE = "client-chains";
  /** The run-slot table as the master stopped with it, read back as it starts. */
  private static final String RUN_SLOTS_FILE = "run-slots";

  private final Path dataDir;
  private final Server server;
  private final Store store;
  private final String caFingerprint;
  private final String address;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Trust: set once by start, before the master is handed out.
  private CertificateAuthority ca;
  private Revocations revocations;
  private ScheduledExecutorService crlRefresh;
  // Operators: retention, metrics, dashboard; closed in reverse before the store.
  private final List<AutoCloseable> operatorServices = new ArrayList<>();
  private ReportForwarder forwarder;
  private ConnectionCounts connections;
  private CatalogQueue catalogQueue;
  private MasterMetrics metrics;
  private MetricsServer metricsServer;
  private Retention retention;
  private Dashboard dashboard;
  private String metricsUrl;
  private String dashboardUrl;
  // Runs on demand: ended before the server stops, so open streams do not hold it up.
  private ConnectedAgents agents;
  private Jobs jobs;

  private Master(Path dataDir, Server server, Store store, String caFingerprint,
      String address) {
    this.dataDir = dataDir;
    this.server = server;
    this.store = store;
    this.caFingerprint = caFingerprint;
    this.address = address;
  }

  /** A master for {@code config}, with default trust and operator settings until told. */
  public static Builder builder(MasterConfig config) {
    return new Builder(config);
  }

  /**
   * What a master starts with besides its {@link MasterConfig}: trust settings (TLS 1.2,
   * autosign challenge or command), operator settings (retention, metrics, dashboard,
   * forwarding) and, for tests and embedding, where catalogs come from (by default the
   * Stead language compiling {@code config.codeDir()}). Not thread-safe; each
   * {@link #start} starts a new master.
   */
  public static final class Builder {
    private final MasterConfig config;
    private TrustConfig trust = TrustConfig.defaults();
    private FleetConfig fleet = FleetConfig.defaults();
    private CatalogSource source;
    private ServerConcurrency concurrency =
        ServerConcurrency.defaults();

    private Builder(MasterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    public Builder trust(TrustConfig trust) {
      this.trust = Objects.requireNonNull(trust, "trust");
      return this;
    }

    public Builder fleet(FleetConfig fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
      return this;
    }

    /** How many threads serve calls and how many catalog requests may wait for a compile. */
    public Builder concurrency(ServerConcurrency concurrency) {
      this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
      return this;
    }

    /** Catalogs from {@code source} instead of compiling the code directory. */
    Builder catalogSource(CatalogSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Starts the master. The caller announces {@link Master#address},
     * {@link Master#caFingerprint} and the operator URLs as it sees fit.
     *
     * @throws IOException when the data directory cannot be set up or is in use, or an
     *     address cannot be bound; the message is one line, fit for an operator
     */
    public Master start() throws IOException {
      // Agents' compiles and previews share one set of slots.
      CompileSlots slots = CompileSlots.perCore();
      return Master.start(config, source, slots, trust, fleet, concurrency);
    }
  }

  /** @param givenSource where catalogs come from; null: the environments of the code dir */
  private static Master start(MasterConfig config, CatalogSource givenSource,
      CompileSlots slots, TrustConfig trust, FleetConfig fleet,
      ServerConcurrency concurrency) throws IOException {
    TimedCatalogSource source;
    Path dataDir = config.dataDir().toAbsolutePath();
    PrivateFiles.ownerOnlyDirectory(dataDir);
    Store store = config.store().open(dataDir.resolve(DB_DIR));
    // Other masters sharing the store take the CA certificate and the CRL from it.
    SharedState shared = config.store().shared() && store instanceof SharedState s ? s : null;
    CertificateAuthority ca;
    ServerCredentials serverCredentials;
    CaRoleLock caLock = null;
    try {
      if (config.caRole()) {
        // Before this master signs or records anything as the CA, and before it serves.
        caLock = CaClaim.claim(store, config.port() == 0 ? null
            : registeredAddress(config.host(), config.port()), Clock.systemUTC());
      }
      ca = TrustSetup.authority(config, dataDir.resolve(CA_DIR), shared);
      MasterIssuer issuer = ca.holdsKey() ? MasterIssuer.local(ca)
          : SharedAuthority.issuer(shared, TrustSetup.MASTER_CERTIFICATE_WAIT);
      serverCredentials = ServerCredentials.loadOrCreate(dataDir.resolve(CA_DIR), ca,
          config.host(), config.dnsAltNames(), issuer);
      AdminCredentials.loadOrCreate(dataDir.resolve(ADMIN_DIR), ca, issuer);
    } catch (IOException | RuntimeException e) {
      if (caLock != null) {
        caLock.close();
      }
      store.close();
      throw e;
    }
    Server server;
    ScheduledExecutorService crlRefresh = null;
    Revocations revocations;
    Nodes nodes = new Nodes(store);
    ConnectedAgents agents = null;
    Jobs jobs = null;
    Rollouts rollouts = null;
    ReportForwarder forwarder = null;
    // Where catalog requests that need a compile wait (bounded), off the call threads.
    CatalogQueue catalogQueue = null;
    // Reloads the fleet views in the background; stopped before the store closes.
    FleetViews fleetViews = null;
    RunSlots runSlots = null;
    // With --shared-key-file: the keys every master on the shared store uses alike.
    SharedKeys sharedKeys = null;
    // One for gRPC and the dashboard: `stead drift accept` and the dashboard's accept agree.
    DriftAccept accept;
    FleetPreview preview;
    CompiledVersions compiledVersions;
    AtomicReference<String> servedBy =
        new AtomicReference<>("");
    ConnectionCounts connections = new ConnectionCounts();
    try {
      forwarder = ReportForwarder.start(fleet.forward());
      revocations = Revocations.load(ca, store, dataDir.resolve(CA_DIR), shared);
      // Runs on demand: the agents' command streams this master holds; jobs in the store, so
      // a job started here reaches a stream another master holds.
      Revocations revoked = revocations;
      agents = new ConnectedAgents(certificate -> revoked.isRevoked(certificate.getSerialNumber())
          || Instant.now().isAfter(certificate.getNotAfter().toInstant()));
      jobs = new Jobs(store, agents, Clock.systemUTC());
      Jobs jobsNow = jobs;
      CertificateRegistry registry = new CertificateRegistry(ca, store,
          TrustSetup.autosign(config.autosignGlob(), trust), revocations, shared);
      sharedKeys = config.sharedKeyFile() == null ? null
          : SharedKeys.open(config.sharedKeyFile(), shared);
      SecretService secrets = sharedKeys == null
          ? new SecretService(dataDir)
          : new SecretService(
              MasterKey.shared(dataDir, sharedKeys));
      SourceGrants grants = new SourceGrants(store, config.store().shared());
      DriftExceptions exceptions =
          new DriftExceptions(store, Clock.systemUTC());
      NodeClassifications classifications =
          new NodeClassifications(store);
      // Where each node's scheduled runs fall in the interval, from the shared node list.
      runSlots = new RunSlots(store, Clock.systemUTC(), dataDir.resolve(RUN_SLOTS_FILE));
      // Each node's catalog comes from the environment its classification names.
      // What collect() and fleetFacts() read: exports and allowlisted facts, per environment.
      fleetViews = new FleetViews(store,
          store, classifications::environment, name -> store.certificate(name)
              .map(r -> r.state() == CertificateState.SIGNED).orElse(false),
          config.codeDir(), Duration.ofSeconds(30), Clock.systemUTC());
      // Compile memos in the store: after a restart, or on another master, an unchanged
      // catalog is known without a compile.
      Environments environments = Environments.of(config.codeDir(), config.modulePath(), slots,
          fleetViews, CodeCache.in(dataDir.resolve("code-cache")),
          new StoredDigestMemory(store));
      // A rollout of an environment decides which version of its code each node gets.
      rollouts = new Rollouts(store,
          environment -> classifications.describeAll().stream()
              .filter(n -> n.getEnvironment().equals(environment))
              .map(NodeInfo::getName).toList(),
          environments::codeVersion,
          new Releases(dataDir.resolve("rollouts"),
              config.modulePath(), shared), Clock.systemUTC())
          .every(Duration.ofSeconds(1));
      Rollouts rolloutsNow = rollouts;
      RolloutCatalogSource served =
          new RolloutCatalogSource(environments,
              classifications::environment, rollouts,
              new ClassifiedCatalogSource(environments, classifications::environment));
      source = new TimedCatalogSource(givenSource != null ? givenSource
          : new FleetRecordingCatalogSource(served,
              classifications::environment, fleetViews));
      accept = new DriftAccept(store, Clock.systemUTC(),
          environments::codeRoots);
      // One preview for the gRPC service and the dashboard's page.
      preview = new FleetPreview(store, store, classifications, slots,
          config.modulePath(), environments, fleetViews::of);
      // What this master compiled and who it is, for its answers and its registry record.
      compiledVersions = new CompiledVersions();
      Consumer<Report> forwardTo =
          forwarder == null ? report -> { } : forwarder;
      catalogQueue = CatalogQueue.of(concurrency);
      server = TlsServer.start(config.host(), config.port(), serverCredentials.key(),
          serverCredentials.certificate(), ca.certificate(),
          List.of(
              new BootstrapEndpoint(registry).bindService(),
              new CatalogEndpoint(store, nodes, source, secrets, grants, exceptions,
                  classifications, runSlots, compiledVersions, servedBy::get, catalogQueue,
                  config.store().shared()).service(),
              new ReportEndpoint(store, nodes, Clock.systemUTC(),
                  report -> {
                    jobsNow.reported(report);
                    rolloutsNow.reported(report);
                    forwardTo.accept(report);
                  }).bindService(),
              new AdminEndpoint(registry, store, secrets, classifications, runSlots)
                  .whenCleaned(fleetViews::nodeRemoved).bindService(),
              new CertificateEndpoint(registry).bindService(),
              new MasterEndpoint(store, Clock.systemUTC())
                  .bindService(),
              new FileEndpoint(grants,
                  served::moduleRoots)
                  .bindService(),
              new FleetEndpoint(store, dataDir, new Compliance(store, Clock.systemUTC()),
                  exceptions, accept).bindService(),
              new CommandEndpoint(agents).bindService(),
              new JobEndpoint(jobsNow, store).bindService(),
              new PreviewEndpoint(preview).bindService(),
              new RolloutEndpoint(rollouts).bindService()),
          AccessPolicy.standard(), TrustSetup.serverOptions(trust, revocations,
              config.connectionLimits(), connections)
              .rememberingChainsIn(dataDir.resolve(CLIENT_CHAINS_FILE)),
          config.store().shared() ? concurrency.forSharedStore() : concurrency);
      if (givenSource == null) {
        // Loads the code (Groovy parses and compiles it) now rather than at the first
        // compile, while the first agents connect. Not earlier: on a busy machine a load
        // beside the store's opening and the TLS setup delays both (measured:
        // docs/fleet-simulation.md).
        environments.preload();
      }
      // The slot table too, rather than on the first check-in's thread.
      runSlots.preload();
      crlRefresh = TrustSetup.scheduleCrlRefresh(revocations, config.store().shared());
      if (shared != null && ca.holdsKey()) {
        TrustSetup.scheduleSigning(crlRefresh, registry, ca, shared);
      }
    } catch (IOException | RuntimeException e) {
      if (crlRefresh != null) {
        crlRefresh.shutdownNow();
      }
      if (catalogQueue != null) {
        catalogQueue.close();
      }
      if (fleetViews != null) {
        fleetViews.close();
      }
      if (runSlots != null) {
        runSlots.close();
      }
      if (forwarder != null) {
        forwarder.close();
      }
      if (jobs != null) {
        jobs.close();
      }
      if (agents != null) {
        agents.close();
      }
      if (rollouts != null) {
        rollouts.close();
      }
      store.close();
      throw e;
    }
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    String address = MasterAddress.format(config.host(), port);
    Master master = new Master(dataDir, server, store, ca.fingerprint(), address);
    master.connections = connections;
    master.catalogQueue = catalogQueue;
    master.ca = ca;
    master.revocations = revocations;
    master.crlRefresh = crlRefresh;
    master.forwarder = forwarder;
    master.agents = agents;
    master.jobs = jobs;
    if (forwarder != null) {
      master.operatorServices.add(forwarder);
    }
    master.operatorServices.add(rollouts);
    // Closed after the server (no request is queued any more), before the store.
    master.operatorServices.add(catalogQueue);
    master.operatorServices.add(fleetViews);
    master.operatorServices.add(runSlots);
    master.operatorServices.add(NativeHeapTrim.start());
    if (caLock != null) {
      // Closed after the heartbeat has removed this master's record.
      master.operatorServices.add(caLock);
    }
    try {
      String registered = registeredAddress(config.host(), port);
      servedBy.set(registered);
      master.operatorServices.add(MasterHeartbeat.start(store, registered, caLock, ca,
          compiledVersions, Clock.systemUTC()));
      master.startOperatorServices(fleet, store, nodes, source, serverCredentials, ca, accept,
          sharedKeys == null ? null : shared, sharedKeys, preview);
    } catch (IOException | RuntimeException e) {
      master.close();
      throw e;
    }
    try {
      PrivateFiles.writePublic(dataDir.resolve(MasterAddress.FILE), address + "\n");
    } catch (IOException e) {
      master.close();
      throw e;
    }
    return master;
  }

  /**
   * The address this master registers and names in its answers: where it listens, or this
   * machine's name when it listens on every address.
   */
  private static String registeredAddress(String host, int port) {
    if (!Hostnames.isWildcard(host)) {
      return MasterAddress.format(host, port);
    }
    try {
      return MasterAddress.format(InetAddress.getLocalHost().getCanonicalHostName(),
          port);
    } catch (UnknownHostException e) {
      return MasterAddress.format(host, port);
    }
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

  /** The revoked serials and the CRL; {@code crlAgeSeconds()} is a metric to export. */
  public Revocations revocations() {
    return revocations;
  }

  /** The CA; {@code ageSeconds()} and {@code secondsUntilExpiry()} are metrics to export. */
  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  private void startOperatorServices(FleetConfig fleet, Store store, Nodes nodes,
      TimedCatalogSource source, ServerCredentials serverCredentials, CertificateAuthority ca,
      DriftAccept accept, SharedState shared,
      SharedKeys sharedKeys,
      FleetPreview preview) throws IOException {
    retention = Retention.start(store, nodes, fleet.reportRetention(),
        Clock.systemUTC());
    operatorServices.add(retention);
    metrics = new MasterMetrics(store, store, source, connections, catalogQueue,
        dataDir.resolve(CA_DIR), Clock.systemUTC());
    if (fleet.metricsListen() != null) {
      HostPort at = HostPort.bind(fleet.metricsListen(), "--metrics-listen",
          HostPort.NO_DEFAULT);
      metricsServer = MetricsServer.start(at.host(), at.port(), metrics);
      operatorServices.add(metricsServer);
      metricsUrl = "http://" + MasterAddress.format(at.host(), metricsServer.port())
          + "/metrics";
    }
    if (fleet.dashboardListen() != null) {
      HostPort at = HostPort.bind(fleet.dashboardListen(), "--dashboard-listen",
          HostPort.NO_DEFAULT);
      // Masters sharing keys share the logins and the session key: a login holds on each.
      OperatorPasswords operators = shared == null
          ? new OperatorPasswords(dataDir)
          : OperatorPasswords.shared(dataDir, shared);
      byte[] sessionKey = null;
      if (sharedKeys != null) {
        byte[] local = Dashboard.existingSessionKey(dataDir);
        sessionKey = sharedKeys.key("dashboard session key",
            () -> local != null ? local : SharedKeys.fresh());
      }
      dashboard = Dashboard.start(at.host(), at.port(),
          serverCredentials.key(), serverCredentials.certificate(), ca.certificate(), store,
          operators, accept, Clock.systemUTC(), sessionKey, preview, revocations::refuses);
      operatorServices.add(dashboard);
      dashboardUrl = "https://" + MasterAddress.format(at.host(), dashboard.port()) + "/";
    }
  }

  /** The report forwarder, or null when no webhook or syslog is configured. */
  public ReportForwarder forwarder() {
    return forwarder;
  }

  /** The bound dashboard port, or -1 without {@code --dashboard-listen}. */
  public int dashboardPort() {
    return dashboard == null ? -1 : dashboard.port();
  }

  /** What Prometheus scrapes; also rendered by the dashboard. */
  public MasterMetrics metrics() {
    return metrics;
  }

  /** Where Prometheus scrapes, {@code http://host:port/metrics}; null without metrics. */
  public String metricsUrl() {
    return metricsUrl;
  }

  /** The dashboard's {@code https://host:port/}; null without a dashboard. */
  public String dashboardUrl() {
    return dashboardUrl;
  }

  /** The bound metrics port, or -1 without {@code --metrics-listen}. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** Report retention, for running a pass on demand (tests, operators' tools). */
  public Retention retention() {
    return retention;
  }

  /** Every service the master serves, as bound (tests enumerate RPCs from these). */
  List<ServerServiceDefinition> services() {
    return server.getServices();
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
    if (crlRefresh != null) {
      crlRefresh.shutdownNow();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (agents != null) {
      agents.close();
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
    for (int i = operatorServices.size() - 1; i >= 0; i--) {
      try {
        operatorServices.get(i).close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping " + operatorServices.get(i) + " failed", e);
      }
    }
    store.close();
    try {
      Files.deleteIfExists(dataDir.resolve(MasterAddress.FILE));
    } catch (IOException e) {
      LOG.warning("cannot remove " + dataDir.resolve(MasterAddress.FILE) + ": "
          + e.getMessage());
    }
  }
}
