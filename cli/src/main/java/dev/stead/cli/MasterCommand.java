package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.TrustConfig;
import dev.stead.master.rpc.ConnectionLimits;
import dev.stead.master.fleet.Backups;
import dev.stead.master.fleet.FleetClient;
import dev.stead.master.fleet.FleetConfig;
import dev.stead.master.forward.ForwardConfig;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCredentials;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.master.AdminClient;
import dev.stead.proto.v1.BackupResponse;
import dev.stead.wire.HostPort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "master", description = "Run the master.",
    subcommands = {MasterCommand.Start.class, MasterCommand.Backup.class,
        MasterCommand.Restore.class})
final class MasterCommand {

  @Command(name = "start", description = "Start the master in the foreground (stops on SIGTERM).")
  static final class Start implements Callable<Integer> {
    /** The master's own logger: its lines read the same whoever writes them. */
    private static final Logger LOG = Logger.getLogger(Master.class.getName());

    @Option(names = "--data", description = "State: CA, RocksDB, admin certificate (default: ${DEFAULT-VALUE}).")
    Path data = Defaults.MASTER_DATA;

    @Option(names = "--store", paramLabel = "STORE", description = "Where nodes, catalogs, reports and certificates are kept: rocksdb (embedded in --data) or postgresql://HOST:PORT/DB, which several masters may share (default: ${DEFAULT-VALUE}).")
    String store = "rocksdb";

    @Option(names = "--store-credentials", paramLabel = "FILE", description = "For a PostgreSQL store: the login, as lines `user = NAME` and `password = SECRET` in FILE (mode 0600); default: PGUSER and PGPASSWORD from the environment.")
    Path storeCredentials;

    @Option(names = "--dns-alt-names", split = ",", paramLabel = "NAME", description = "More names (or IP addresses) for the master's server certificate, comma-separated: the shared name agents use when several masters serve one fleet, e.g. stead.example.com.")
    List<String> dnsAltNames = new ArrayList<>();

    @Option(names = "--ca", negatable = true, defaultValue = "true", fallbackValue = "true", description = "This master holds the CA key (created in --data on first start) and signs; refused while another master with the CA role on the same store is alive; --no-ca: another master on the same PostgreSQL store does, and this one stores CSRs for it (default: ${DEFAULT-VALUE}).")
    boolean ca = true;

    @Option(names = "--shared-key-file", paramLabel = "FILE", description = "On a PostgreSQL store several masters share: 32 random bytes, base64, mode 0600, the same file on every master; it wraps the secrets key the masters keep in the database, so a secret encrypted on one decrypts on all (default: the secrets key stays in --data).")
    Path sharedKeyFile;
    @Option(names = "--code", description = "The code: one environment per environments/NAME/, or site.groovy, modules/, data/ at its top, served as production (default: ${DEFAULT-VALUE}).")
    Path code = Defaults.CODE;

    @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
    List<Path> modulePath = new ArrayList<>();

    @Option(names = "--listen", description = "HOST:PORT to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String listen = Defaults.LISTEN;

    @Option(names = "--autosign", description = "Sign CSRs whose name matches this glob at once (default: off).")
    String autosign;

    @Option(names = "--autosign-challenge-file", paramLabel = "FILE", description = "Autosign CSRs whose challengePassword equals the first line of FILE (mode 0600).")
    Path autosignChallengeFile;

    @Option(names = "--autosign-command", paramLabel = "PATH", description = "Autosign when PATH (certname as argument, CSR PEM on stdin) exits 0 within 10 s.")
    Path autosignCommand;

    @Option(names = "--tls12", description = "Also accept TLS 1.2 (ECDHE + AEAD suites only); default: TLS 1.3 only.")
    boolean tls12;

    @Option(names = "--connection-idle", paramLabel = "DURATION", description = "Close a gRPC connection with no call in progress after this long, e.g. 60s, 5m (default: 60s).")
    String connectionIdle = "60s";

    @Option(names = "--max-connections-per-address", paramLabel = "N", description = "Open gRPC connections kept from one source address; more are closed at once (default: ${DEFAULT-VALUE}; raise it for a large fleet behind one NAT address).")
    int maxConnectionsPerAddress = ConnectionLimits.DEFAULT_PER_ADDRESS;

    @Option(names = "--report-webhook", paramLabel = "URL", description = "POST each report with drift or a failure, as JSON, to this https:// URL, signed with --report-webhook-secret (default: off).")
    URI reportWebhook;

    @Option(names = "--report-webhook-secret", paramLabel = "FILE", description = "The webhook's HMAC-SHA256 key: the first line of FILE (mode 0600, 16 characters or more); the signature goes in X-Stead-Signature.")
    Path reportWebhookSecret;

    @Option(names = "--report-webhook-ca", paramLabel = "FILE", description = "PEM CA certificates the webhook's server must chain to (default: the system's trust store).")
    Path reportWebhookCa;

    @Option(names = "--report-syslog", paramLabel = "HOST:PORT", description = "Send each drift event and failure as an RFC 5424 syslog message over UDP to HOST:PORT (default: off).")
    String reportSyslog;

    @Option(names = "--report-retention", description = "Delete reports older than this, e.g. 14d, 30d, 12h (default: ${DEFAULT-VALUE}); on PostgreSQL rounded up to whole days.")
    String reportRetention = "14d";

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics over plain HTTP at http://HOST:PORT/metrics (default: off; use loopback).")
    String metricsListen;

    @Option(names = "--dashboard-listen", paramLabel = "HOST:PORT", description = "Serve the web dashboard over HTTPS on HOST:PORT (default: off); log in with `stead operator add`.")
    String dashboardListen;

    ConnectionLimits connectionLimits() {
      if (maxConnectionsPerAddress < 1) {
        throw new IllegalArgumentException("--max-connections-per-address must be at least 1");
      }
      return ConnectionLimits.defaults()
          .withIdle(Durations.parse(connectionIdle, "--connection-idle"))
          .withPerAddress(maxConnectionsPerAddress);
    }

    /** The operator-facing options. */
    FleetConfig fleetConfig() {
      FleetConfig fleet = new FleetConfig(Durations.parse(reportRetention, "--report-retention"),
          null, null);
      if (metricsListen != null) {
        HostPort.bind(metricsListen, "--metrics-listen", HostPort.NO_DEFAULT);
        fleet = fleet.withMetrics(metricsListen);
      }
      if (dashboardListen != null) {
        HostPort.bind(dashboardListen, "--dashboard-listen", HostPort.NO_DEFAULT);
        fleet = fleet.withDashboard(dashboardListen);
      }
      return fleet.withForwarding(new ForwardConfig(reportWebhook,
          reportWebhookSecret == null ? null : reportWebhookSecret.toAbsolutePath(),
          reportWebhookCa == null ? null : reportWebhookCa.toAbsolutePath(), reportSyslog));
    }

    /** The store chosen with --store (and --store-credentials). */
    StoreConfig storeConfig() throws IOException {
      return storeConfig(store, storeCredentials);
    }

    /** The store {@code store} names ({@code rocksdb} or a PostgreSQL URI), with its login. */
    static StoreConfig storeConfig(String store, Path storeCredentials)
        throws IOException {
      if (store.equals("rocksdb")) {
        if (storeCredentials != null) {
          throw new IllegalArgumentException("--store-credentials is for a PostgreSQL store; "
              + "the rocksdb store needs none");
        }
        return StoreConfig.embedded();
      }
      if (!store.startsWith(PostgresLocation.SCHEME + ":")) {
        throw new IllegalArgumentException("--store " + store + " is neither rocksdb nor "
            + "postgresql://HOST:PORT/DB");
      }
      PostgresLocation location = PostgresLocation.parse(store, "--store");
      PostgresCredentials credentials = storeCredentials != null
          ? PostgresCredentials.read(storeCredentials.toAbsolutePath())
          : PostgresCredentials.fromEnvironment(System.getenv());
      return StoreConfig.postgres(location, credentials);
    }

    /** A master without code would serve every node a compile error: refuse to start. */
    static void requireCode(Path code) {
      if (!Files.isDirectory(code)) {
        throw new IllegalArgumentException("--code " + code + " is not a directory: the "
            + "master serves the code in it (site.groovy, modules/, data/)");
      }
      Path own = code.resolve("environments/production/site.groovy");
      if (!Files.isRegularFile(code.resolve("site.groovy")) && !Files.isRegularFile(own)) {
        LOG.warning("neither " + code.resolve("site.groovy") + " nor " + own
            + " exists; nodes in production get a compile error until one does");
      }
    }

    @Override
    public Integer call() throws Exception {
      FleetConfig fleet = fleetConfig();
      HostPort address = HostPort.bind(listen, "--listen", HostPort.MASTER_PORT);
      requireCode(code);
      MasterConfig config = new MasterConfig(data.toAbsolutePath(), code.toAbsolutePath(),
          modulePath.stream().map(Path::toAbsolutePath).toList(), address.host(),
          address.port(), autosign, connectionLimits(), storeConfig(), dnsAltNames.stream()
              .map(name -> dev.stead.master.ca.Hostnames.altName(name, "--dns-alt-names"))
              .toList(), ca, sharedKeyFile == null ? null : sharedKeyFile.toAbsolutePath());
      TrustConfig trust = new TrustConfig(tls12,
          Optional.ofNullable(autosignChallengeFile).map(Path::toAbsolutePath),
          Optional.ofNullable(autosignCommand).map(Path::toAbsolutePath));
      Master master = Master.builder(config).trust(trust).fleet(fleet).start();
      LOG.info("listening on " + master.address() + " (CA fingerprint "
          + master.caFingerprint() + "; store " + config.store().describe() + ")");
      if (master.metricsUrl() != null) {
        LOG.info("metrics on " + master.metricsUrl());
      }
      if (master.dashboardUrl() != null) {
        LOG.info("dashboard on " + master.dashboardUrl());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        master.close();
        stopped.countDown();
      }, "stead-master-shutdown"));
      master.awaitTermination();
      stopped.await();
      return 0;
    }
  }

  @Command(name = "backup", description = {
      "Ask the running master for a consistent backup of all its state into DIR.",
      "The backup holds the RocksDB checkpoint, CA, admin credentials, secrets key and "
          + "operator logins, on the master's machine; the master keeps serving meanwhile.",
      "A master on a PostgreSQL store refuses: back up the database with pg_dump and the data "
          + "directory (the CA) with a file copy."})
  static final class Backup implements Callable<Integer> {
    @picocli.CommandLine.Mixin AdminOptions admin;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "DIR", description = "A directory that does not exist yet (or is empty).")
    Path directory;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        BackupResponse done = new FleetClient(client).backup(directory.toAbsolutePath().toString());
        System.out.printf("backup written to %s (%,d bytes); keep it private: it holds the CA key%n",
            done.getDirectory(), done.getBytes());
      }
      return 0;
    }
  }

  @Command(name = "restore", description = {
      "Copy a backup into a fresh data directory; then `stead master start --data NEWDATA`.",
      "Agents keep their certificates: the CA is the same."})
  static final class Restore implements Callable<Integer> {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "DIR", description = "A directory written by `stead master backup`.")
    Path directory;

    @Option(names = "--data", required = true, paramLabel = "NEWDATA", description = "The new data directory; must not exist or be empty.")
    Path data;

    @Override
    public Integer call() throws Exception {
      Backups.restore(directory.toAbsolutePath(), data.toAbsolutePath());
      System.out.println("restored " + directory + " into " + data + "; start it with: stead master start --data "
          + data + " --code DIR");
      return 0;
    }
  }
}
