package dev.stead.agent;

import dev.stead.agent.client.AgentFailure;
import dev.stead.agent.client.Bootstrapper;
import dev.stead.agent.client.CertificateRenewal;
import dev.stead.agent.client.GrpcFileSource;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterErrors;
import dev.stead.agent.client.ReportSpool;
import dev.stead.agent.daemon.RunLock;
import dev.stead.agent.engine.Progress;
import dev.stead.agent.fs.AtomicFiles;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.PhaseTimings;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One agent run against a master: take the run lock, bootstrap trust and certificate when
 * needed, deliver spooled reports, send facts and get the catalog, converge, print, report.
 * Everything that stops a run is one line on {@code err} prefixed {@code stead agent:} and
 * exit code 1; never a stack trace.
 *
 * <p>When the master is unreachable or cannot compile this node's catalog, the agent enforces
 * the last catalog it verified ({@code catalog/last.pb}) unless told not to; the report says
 * {@code cached_catalog}. Every report is written to the spool before it is sent and deleted
 * only once the master acknowledged it, so a report whose acknowledgement was lost (the master
 * died after storing it, the agent was killed mid-send) is sent again next run; the master
 * stores reports by id, so it keeps exactly one copy.
 *
 * <p>State directory layout: {@code ssl/} (key, certificate, CA), {@code state/last_run.pb},
 * {@code backup/}, {@code spool/<report id>.pb}, {@code catalog/last.pb}, {@code agent.lock}.
 */
public final class AgentRun {
  private static final long RPC_DEADLINE_S = 30;
  /**
   * gRPC and Netty log connection trouble through java.util.logging on their own (e.g. "Failed
   * to resolve name"), which would add stack-trace-like noise to the one line we print, unless
   * someone asked for their detail ({@code --debug} sets them to FINE first). Held in static
   * fields because JUL keeps loggers only weakly.
   */
  private static final java.util.logging.Logger GRPC_LOG = quiet("io.grpc");
  private static final java.util.logging.Logger NETTY_LOG = quiet("io.netty");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    java.util.logging.Level asked = logger.getLevel();
    if (asked == null || asked.intValue() > java.util.logging.Level.FINE.intValue()) {
      logger.setLevel(java.util.logging.Level.SEVERE);
    }
    return logger;
  }

  private final AgentOptions options;
  private final UnaryOperator<ReportSpool.Sender> senderDecorator;
  /** Null: a session of this run's own, closed when it ends. */
  private final AgentSession session;
  private final RunTrigger trigger;

  public AgentRun(AgentOptions options) {
    this(options, UnaryOperator.identity());
  }

  /**
   * With {@code senderDecorator} wrapped around the gRPC report sender (tests use it to lose
   * an acknowledgement; it must throw a {@link StatusRuntimeException} for "not acknowledged").
   */
  public AgentRun(AgentOptions options, UnaryOperator<ReportSpool.Sender> senderDecorator) {
    this(options, senderDecorator, null);
  }

  /** A run within {@code session}, which outlives it (the daemon's runs share one). */
  public AgentRun(AgentOptions options, AgentSession session) {
    this(options, session, RunTrigger.ON_DEMAND);
  }

  /** A run within {@code session}, reported as started by {@code trigger}. */
  public AgentRun(AgentOptions options, AgentSession session, RunTrigger trigger) {
    this(options, UnaryOperator.identity(), Objects.requireNonNull(session, "session"),
        trigger);
  }

  private AgentRun(AgentOptions options, UnaryOperator<ReportSpool.Sender> senderDecorator,
      AgentSession session) {
    this(options, senderDecorator, session, RunTrigger.ON_DEMAND);
  }

  private AgentRun(AgentOptions options, UnaryOperator<ReportSpool.Sender> senderDecorator,
      AgentSession session, RunTrigger trigger) {
    this.options = Objects.requireNonNull(options, "options");
    this.senderDecorator = Objects.requireNonNull(senderDecorator, "senderDecorator");
    this.session = session;
    this.trigger = Objects.requireNonNull(trigger, "trigger");
  }

  /** Runs once; returns the exit code ({@link ExitCodes}, or 1 when the run could not run). */
  public int runOnce(PrintStream out, PrintStream err) {
    return runOnce(out, err, Progress.NONE);
  }

  /** As {@link #runOnce(PrintStream, PrintStream)}, telling {@code progress} as it converges. */
  public int runOnce(PrintStream out, PrintStream err, Progress progress) {
    MasterAddress address;
    try {
      address = MasterAddress.parse(options.server());
    } catch (IllegalArgumentException e) {
      err.println("stead agent: " + e.getMessage());
      return ExitCodes.COULD_NOT_RUN;
    }
    try (RunLock lock = RunLock.acquire(options.stateDir())) {
      if (lock.tookOverStale()) {
        err.println("stead agent: removed a stale run lock left by a process that is gone");
      }
      if (session != null) {
        return run(address, session, out, err, progress);
      }
      try (AgentSession own = new AgentSession()) {
        return run(address, own, out, err, progress);
      }
    } catch (RunLock.BusyException e) {
      err.println("stead agent: " + e.getMessage());
    } catch (AgentFailure e) {
      err.println("stead agent: " + e.getMessage());
    } catch (StatusRuntimeException e) {
      err.println("stead agent: " + MasterErrors.describe(e, address));
    } catch (IOException e) {
      err.println("stead agent: " + IoMessages.describe(e));
    } catch (UncheckedIOException e) {
      err.println("stead agent: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug, but still one line: the daemon's log should not fill with traces.
      err.println("stead agent: unexpected error: " + e);
    } finally {
      TerminalProgress.clear(progress);
    }
    return ExitCodes.COULD_NOT_RUN;
  }

  /**
   * A run; when the master refuses this agent's certificate and holds a newer one for its
   * key (the answer to a renewal was lost and the old one's grace is over), adopts it and
   * runs once more. A refusal escapes the run before anything converged: the report is
   * spooled, not thrown.
   */
  private int run(MasterAddress address, AgentSession session, PrintStream out,
      PrintStream err, Progress progress) throws IOException {
    try {
      return attempt(address, session, out, err, progress);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.UNAUTHENTICATED
          || !adoptIssuedCertificate(address, session, err)) {
        throw e;
      }
      session.closeChannel();
      return attempt(address, session, out, err, progress);
    }
  }

  /** True when the certificate the master holds for this key was adopted. */
  private boolean adoptIssuedCertificate(MasterAddress address, AgentSession session,
      PrintStream err) throws IOException {
    SslFiles ssl = new SslFiles(options.stateDir().resolve("ssl"));
    AgentSession.Identity identity = session.identity(ssl);
    if (identity == null) {
      return false;
    }
    java.util.Optional<X509Certificate> adopted;
    try {
      adopted = dev.stead.agent.client.CertificateRecovery.adoptIssued(address, identity.ca(),
          identity.keys(), identity.certificate(), ssl, options.certname(),
          java.time.Clock.systemUTC());
    } catch (StatusRuntimeException e) {
      return false;
    }
    adopted.ifPresent(c -> err.println("stead agent: the master refused this agent's"
        + " certificate and holds a newer one for its key (serial "
        + c.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT)
        + "), issued at a renewal whose answer never arrived: adopted it"));
    return adopted.isPresent();
  }

  private int attempt(MasterAddress address, AgentSession session, PrintStream out,
      PrintStream err, Progress progress) throws IOException {
    Path stateDir = options.stateDir();
    SslFiles ssl = new SslFiles(stateDir.resolve("ssl"));
    AgentSession.Identity identity = session.identity(ssl);
    if (identity == null) {
      Bootstrapper bootstrap = new Bootstrapper(address, ssl,
          options.certname(), options.caFingerprint(), options.trustFirstUse(),
          options.waitForCertSeconds(), options.json() ? err : out) // stdout: JSON only
          .withCsrChallenge(options.csrChallenge());
      X509Certificate ca = bootstrap.ca();
      KeyPair keys = bootstrap.keys();
      identity = new AgentSession.Identity(ca, keys, bootstrap.certificate(ca, keys));
      session.remember(ssl, identity);
    }
    X509Certificate ca = identity.ca();
    KeyPair keys = identity.keys();
    X509Certificate certificate = CertificateRenewal.renewIfDue(address, ca, keys,
        identity.certificate(), ssl, options.certname(), err);

    ManagedChannel channel = session.channel(address, ca, keys, certificate);
    boolean channelBroken = false;
    try {
      ReportServiceGrpc.ReportServiceBlockingStub reports =
          ReportServiceGrpc.newBlockingStub(channel);
      ReportSpool spool = new ReportSpool(stateDir.resolve("spool"));
      ReportSpool.Sender sender = sender(reports);
      int delivered = spool.deliver(sender);
      if (delivered > 0) {
        err.println("stead agent: delivered " + delivered + " spooled report"
            + (delivered == 1 ? "" : "s"));
      }

      long t0 = System.nanoTime();
      Facts facts = FactCollector.collect(options.certname(), options.factsDir(),
          warning -> err.println("stead agent: " + warning));
      long t1 = System.nanoTime();
      Catalog catalog;
      dev.stead.agent.secrets.NodeSecrets secrets = null;
      boolean masterAway = false;
      String cachedBecause = null;
      List<String> compileErrors = List.of();
      // The master says the node's mode with every answer; it matters on its own only when a
      // cached catalog is enforced (a served one carries it inside).
      boolean auditedByMaster = false;
      try {
        Catalog held = heldCatalog(session, err);
        GetCatalogResponse response = fetch(channel, facts, held,
            heldEnvelopesKey(session, held, keys.getPrivate()));
        auditedByMaster = response.getMode() == Mode.AUDIT;
        if (response.getUnchanged() && held == null) {
          throw new AgentFailure("the master at " + address + " answered 'unchanged' "
              + "although this agent holds no catalog");
        }
        if (response.hasFailure()) {
          List<CompileError> errors = response.getFailure().getErrorsList();
          for (CompileError e : errors) {
            err.println(location(e) + e.getMessage());
          }
          String first = errors.isEmpty() ? "no details" : location(errors.get(0))
              + errors.get(0).getMessage();
          String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
          String why = "the catalog did not compile: " + first + more;
          compileErrors = errors.stream().map(e -> location(e) + e.getMessage()).toList();
          catalog = options.useCachedCatalog() ? held : null;
          if (catalog == null) {
            Report report = RunReports.couldNotRun(options.certname(), why, options.noop(),
                null).toBuilder().setTrigger(trigger).build();
            submit(report, sender, spool, false, err);
            err.println("stead agent: the catalog for " + options.certname()
                + " did not compile; nothing was changed");
            return ExitCodes.COULD_NOT_RUN;
          }
          cachedBecause = why;
        } else if (response.getUnchanged()) {
          catalog = held;
          secrets = session.secrets();
        } else if (!response.hasCatalog()) {
          throw new AgentFailure("the master at " + address
              + " sent neither a catalog nor errors");
        } else {
          catalog = response.getCatalog();
          if (!Catalogs.verify(catalog)) {
            throw new AgentFailure("the catalog's digest does not match its content: "
                + "refusing it");
          }
          if (!catalog.getNode().equals(options.certname())) {
            throw new AgentFailure("the master sent the catalog of " + catalog.getNode()
                + ", not of " + options.certname());
          }
          secrets = dev.stead.agent.secrets.NodeSecrets.of(
              response.getSecretEnvelopesMap(), keys.getPrivate(), response.getEnvelopesKey());
          cache(catalog);
          secrets.save(options.cachedCatalog());
          session.hold(catalog, secrets);
        }
      } catch (StatusRuntimeException e) {
        channelBroken = MasterErrors.isTransient(e);
        if (!MasterErrors.isTransient(e) || !options.useCachedCatalog()) {
          throw e;
        }
        catalog = heldCatalog(session, err);
        if (catalog == null) {
          throw e;
        }
        masterAway = true;
        cachedBecause = MasterErrors.describe(e, address);
      }
      long t2 = System.nanoTime();
      if (cachedBecause != null) {
        err.println("stead agent: " + cachedBecause + "; enforcing the cached catalog "
            + ReportPrinter.abbreviate(catalog.getDigest()));
      }
      if (secrets == null && session.catalog() == catalog) {
        secrets = session.secrets(); // read with the fetch, to name their key to the master
      }
      if (secrets == null) { // the cached catalog: its envelopes were kept beside it
        secrets = dev.stead.agent.secrets.NodeSecrets.load(options.cachedCatalog(),
            keys.getPrivate());
        session.hold(catalog, secrets);
      }
      boolean audit = auditedByMaster || catalog.getMode() == Mode.AUDIT;
      if (audit) {
        err.println("stead agent: " + options.certname() + " is in audit mode (set on the"
            + " master): checking only, nothing is changed");
      }
      Converger converger = session.converger(convergeOptions(audit));
      Report converged = converger.converge(catalog, progress, secrets,
          new GrpcFileSource(channel, address.toString()));
      long t3 = System.nanoTime();
      TerminalProgress.clear(progress);
      tellRemovedTemps(converger.removedTemps(), err);
      CatalogOrigin origin = cachedBecause == null ? CatalogOrigin.FRESH
          : masterAway ? CatalogOrigin.CACHED_MASTER_UNREACHABLE
          : CatalogOrigin.CACHED_COMPILE_FAILED;
      AgentSession.Enforced enforced = new AgentSession.Enforced(origin,
          cachedBecause == null ? "" : cachedBecause, compileErrors, audit);
      session.enforced(enforced);
      Report report = withOrigin(converged.toBuilder(), enforced)
          .setTrigger(trigger)
          .setTimings(PhaseTimings.newBuilder()
              .setFactsMs(millis(t1 - t0))
              .setFetchMs(millis(t2 - t1))
              .setApplyMs(millis(t3 - t2))
              .setReportMs(millis(System.nanoTime() - t3)))
          .build();
      print(report, out);
      submit(report, sender, spool, masterAway, err);
      return ExitCodes.of(report);
    } catch (StatusRuntimeException e) {
      channelBroken = true;
      throw e;
    } finally {
      if (channelBroken) {
        session.closeChannel(); // dial afresh next run rather than trust a broken transport
      }
    }
  }

  /**
   * The daemon's watch check between runs: converges only {@code keys} of the catalog this
   * session last enforced (no facts, no new catalog: a change on the machine is checked
   * against what is already decided) and reports, marked {@link RunTrigger#WATCH}, when the
   * check found something to tell: a repair, a change pending in noop, a failure. A check that
   * finds everything in sync sends nothing. Takes the run lock like a run; when another run
   * holds it, the change is left to the next scheduled run.
   *
   * @return the exit code as for a run; 0 when there was nothing to check or to tell
   * @throws IllegalStateException without the daemon's session
   */
  public int checkWatched(Set<ResourceKey> keys, PrintStream out, PrintStream err) {
    if (session == null) {
      throw new IllegalStateException("a watch check runs in the daemon's session");
    }
    MasterAddress address;
    try {
      address = MasterAddress.parse(options.server());
    } catch (IllegalArgumentException e) {
      err.println("stead agent: " + e.getMessage());
      return ExitCodes.COULD_NOT_RUN;
    }
    try (RunLock lock = RunLock.acquire(options.stateDir())) {
      Catalog catalog = session.catalog();
      dev.stead.agent.secrets.NodeSecrets secrets = session.secrets();
      AgentSession.Identity identity = session.identity(
          new SslFiles(options.stateDir().resolve("ssl")));
      if (keys.isEmpty() || catalog == null || secrets == null || identity == null) {
        return ExitCodes.OK;
      }
      ManagedChannel channel = session.channel(address, identity.ca(), identity.keys(),
          identity.certificate());
      long t0 = System.nanoTime();
      Report converged = session.converger(convergeOptions(session.enforced().audit()))
          .convergeOnly(catalog, keys,
          Progress.NONE, secrets, new GrpcFileSource(channel, address.toString()));
      long t1 = System.nanoTime();
      Report report = withOrigin(converged.toBuilder(), session.enforced())
          .setTrigger(RunTrigger.WATCH)
          .setTimings(PhaseTimings.newBuilder().setApplyMs(millis(t1 - t0)))
          .build();
      ReportSummary found = report.getSummary();
      if (report.getResourcesCount() == 0 && found.getOutOfSync() == 0
          && found.getFailed() + found.getSkipped() == 0) {
        return ExitCodes.OK;
      }
      print(report, out);
      ReportSpool spool = new ReportSpool(options.stateDir().resolve("spool"));
      submit(report, sender(ReportServiceGrpc.newBlockingStub(channel)), spool,
          session.enforced().origin() == CatalogOrigin.CACHED_MASTER_UNREACHABLE, err);
      return ExitCodes.of(report);
    } catch (RunLock.BusyException e) {
      err.println("stead agent: watch: " + e.getMessage() + "; the next run checks the change");
    } catch (StatusRuntimeException e) {
      err.println("stead agent: watch: " + MasterErrors.describe(e, address));
    } catch (IOException e) {
      err.println("stead agent: watch: " + IoMessages.describe(e));
    } catch (UncheckedIOException e) {
      err.println("stead agent: watch: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("stead agent: watch: unexpected error: " + e);
    }
    return ExitCodes.COULD_NOT_RUN;
  }

  /** {@code audit}: the master said the node is in audit mode; noop whatever the options say. */
  private ConvergeOptions convergeOptions(boolean audit) {
    return new ConvergeOptions(options.root(), options.stateDir(), options.noop() || audit,
        options.resourceTimeout());
  }

  private ReportSpool.Sender sender(ReportServiceGrpc.ReportServiceBlockingStub reports) {
    return senderDecorator.apply(r -> reports
        .withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
        .submitReport(SubmitReportRequest.newBuilder().setReport(r).build()));
  }

  private void print(Report report, PrintStream out) {
    if (options.json()) {
      out.print(Catalogs.toJson(report));
    } else {
      ReportPrinter.print(report, out);
    }
  }

  /** Says where the enforced catalog came from. */
  private static Report.Builder withOrigin(Report.Builder built, AgentSession.Enforced how) {
    if (how.origin() == CatalogOrigin.CACHED_COMPILE_FAILED) {
      // The machine may be in sync with the old catalog, but not with the code: a failure.
      built.setStatus(RunStatus.FAILED_RUN);
    }
    if (how.audit()) {
      built.setMode(Mode.AUDIT);
    }
    return built
        .setCachedCatalog(how.origin() != CatalogOrigin.FRESH)
        .setCatalogOrigin(how.origin())
        .setCachedReason(how.cachedReason())
        .addAllCompileErrors(how.compileErrors());
  }

  /** One line: operators should know a run was killed mid-write. */
  static void tellRemovedTemps(List<Path> removed, PrintStream err) {
    if (!removed.isEmpty()) {
      err.println("stead agent: removed " + removed.size() + " temporary file"
          + (removed.size() == 1 ? "" : "s") + " left by a killed run (" + removed.get(0)
          + (removed.size() > 1 ? ", ..." : "") + ")");
    }
  }

  private GetCatalogResponse fetch(ManagedChannel channel, Facts facts, Catalog held,
      String envelopesKey) {
    return CatalogServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
        .getCatalog(GetCatalogRequest.newBuilder()
            .setNode(options.certname())
            .setFacts(facts)
            .setKnownDigest(held == null ? "" : held.getDigest())
            .setKnownEnvelopesKey(envelopesKey)
            .build());
  }

  /**
   * The key the envelopes kept with {@code held} are sealed to, as the master named it: the
   * master answers "unchanged" for a catalog with secrets only when that is still this node's
   * key. Empty when nothing is held or the envelopes cannot be read (the master then sends
   * them again). Envelopes read from the file here stay held with the catalog, so a run that
   * enforces it does not read them twice.
   */
  private String heldEnvelopesKey(AgentSession session, Catalog held,
      java.security.PrivateKey key) {
    if (held == null) {
      return "";
    }
    if (session.secrets() != null) {
      return session.secrets().sealedTo();
    }
    try {
      dev.stead.agent.secrets.NodeSecrets kept =
          dev.stead.agent.secrets.NodeSecrets.load(options.cachedCatalog(), key);
      session.hold(held, kept);
      return kept.sealedTo();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * The catalog this agent last verified: the session's, else the cached file (verified again:
   * it lay on disk), else null. Its digest goes to the master as {@code known_digest} whether
   * or not the cache may be enforced: an "unchanged" answer means the master compiled exactly
   * that catalog now.
   */
  private Catalog heldCatalog(AgentSession session, PrintStream err) {
    Catalog held = session.catalog();
    if (held != null && held.getNode().equals(options.certname())) {
      return held;
    }
    session.forgetCatalog();
    Catalog cached = loadCached(err);
    if (cached != null) {
      session.hold(cached, null); // its secrets are read with the fetch
    }
    return cached;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000L;
  }

  /**
   * Writes the report to the spool, then sends it and deletes it once acknowledged; when the
   * master is known to be away, or the send fails, it stays for the next run.
   */
  private static void submit(Report report, ReportSpool.Sender sender, ReportSpool spool,
      boolean masterAway, PrintStream err) throws IOException {
    Path file = spool.spool(report);
    if (masterAway) {
      err.println("stead agent: the report is kept in " + file + " for the next run");
      return;
    }
    try {
      sender.send(report);
    } catch (StatusRuntimeException e) {
      err.println("stead agent: the report could not be delivered ("
          + e.getStatus().getCode() + "); kept in " + file + " for the next run");
      return;
    }
    Files.deleteIfExists(file);
  }

  /** The last good catalog, for enforcing it while the master is away. */
  private void cache(Catalog catalog) throws IOException {
    Path file = options.cachedCatalog();
    Files.createDirectories(file.getParent());
    AtomicFiles.writePrivate(file, catalog.toByteArray());
  }

  /** The cached catalog when it is there, intact and this node's; else null (saying why). */
  private Catalog loadCached(PrintStream err) {
    Path file = options.cachedCatalog();
    try {
      Catalog catalog = Catalog.parseFrom(Files.readAllBytes(file));
      if (!Catalogs.verify(catalog) || !catalog.getNode().equals(options.certname())) {
        err.println("stead agent: ignoring the cached catalog " + file
            + ": it is damaged or not this node's");
        return null;
      }
      return catalog;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      err.println("stead agent: cannot read the cached catalog " + file + ": "
          + IoMessages.describe(e));
      return null;
    }
  }

  private static String location(CompileError e) {
    if (!e.hasLocation() || e.getLocation().getFile().isEmpty()) {
      return "";
    }
    return e.getLocation().getFile()
        + (e.getLocation().getLine() > 0 ? ":" + e.getLocation().getLine() : "")
        + (e.getLocation().getColumn() > 0 ? ":" + e.getLocation().getColumn() : "") + ": ";
  }
}
