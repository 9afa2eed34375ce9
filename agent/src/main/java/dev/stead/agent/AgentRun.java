package dev.stead.agent;

import dev.stead.agent.catalog.CatalogCache;
import dev.stead.agent.catalog.CatalogFetch;
import dev.stead.agent.catalog.FetchedCatalog;
import dev.stead.agent.client.AgentFailure;
import dev.stead.agent.client.Bootstrapper;
import dev.stead.agent.client.CertificateRecovery;
import dev.stead.agent.client.CertificateRenewal;
import dev.stead.agent.client.Failover;
import dev.stead.agent.client.FailoverFileSource;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterChoice;
import dev.stead.agent.client.MasterList;
import dev.stead.agent.daemon.SlotFile;
import dev.stead.agent.facts.ModuleFactsSync;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.report.ReportDelivery;
import dev.stead.agent.report.ReportSpool;
import dev.stead.agent.report.RunReports;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.PhaseTimings;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunSlot;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.wire.CallFailures;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.TagFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent run against a master: take the run lock, bootstrap trust and certificate when
 * needed, deliver spooled reports, send facts and get the catalog, converge, print, report.
 * Everything that stops a run is one line on {@code err} prefixed {@code stead agent run:} and
 * exit code 1; never a stack trace. The parts have their own classes: {@link CatalogFetch}
 * decides which catalog to enforce, {@link CatalogCache} keeps the last one on disk,
 * {@link ReportDelivery} gets the report to the master or keeps it for the next run.
 *
 * <p>When the master is unreachable or cannot compile this node's catalog, the agent enforces
 * the last catalog it verified ({@code catalog/last.pb}) unless told not to; the report says
 * where its catalog came from ({@code catalog_origin}, with the reason).
 *
 * <p>State directory layout: {@code ssl/} (key, certificate, CA), {@code state/last_run.pb},
 * {@code backup/}, {@code spool/<report id>.pb}, {@code catalog/last.pb}, {@code agent.lock}.
 */
public final class AgentRun {
  /**
   * gRPC and Netty log connection trouble through java.util.logging on their own (e.g. "Failed
   * to resolve name"), which would add stack-trace-like noise to the one line we print, unless
   * someone asked for their detail ({@code --debug} sets them to FINE first). Held in static
   * fields because JUL keeps loggers only weakly.
   */
  private static final Logger GRPC_LOG = quiet("io.grpc");
  private static final Logger NETTY_LOG = quiet("io.netty");

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    Level asked = logger.getLevel();
    if (asked == null || asked.intValue() > Level.FINE.intValue()) {
      logger.setLevel(Level.SEVERE);
    }
    return logger;
  }

  private final AgentOptions options;
  private final UnaryOperator<ReportSpool.Sender> senderDecorator;
  /** Null: a session of this run's own, closed when it ends. */
  private final AgentSession session;
  private final RunTrigger trigger;
  private TagFilter tags = TagFilter.none();
  private String jobId = "";

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

  /**
   * Limits this run to the resources {@code tags} selects ({@code --tags}, {@code --skip-tags});
   * the converger checks only those, and the report records the limit. Call before running.
   */
  public AgentRun limitedTo(TagFilter tags) {
    this.tags = Objects.requireNonNull(tags, "tags");
    return this;
  }

  /**
   * Marks this run as asked for by the master's job {@code id} (empty: none); the report
   * carries it. Call before running.
   */
  public AgentRun forJob(String id) {
    this.jobId = Objects.requireNonNull(id, "id");
    return this;
  }

  /** Runs once; returns the exit code ({@link ExitCodes}, or 1 when the run could not run). */
  public int runOnce(PrintStream out, PrintStream err) {
    return runOnce(out, err, Progress.NONE);
  }

  /** As {@link #runOnce(PrintStream, PrintStream)}, telling {@code progress} as it converges. */
  public int runOnce(PrintStream out, PrintStream err, Progress progress) {
    MasterList masters;
    try {
      masters = MasterList.parse(options.server());
    } catch (IllegalArgumentException e) {
      err.println("stead agent run: " + e.getMessage());
      return ExitCodes.COULD_NOT_RUN;
    }
    // For messages: the master the failure came from, as far as the run got.
    MasterChoice[] chosen = {null};
    try (RunLock lock = RunLock.acquire(options.stateDir())) {
      if (lock.tookOverStale()) {
        err.println("stead agent run: removed a stale run lock left by a process that is gone");
      }
      if (session != null) {
        chosen[0] = session.masters(masters);
        return run(chosen[0], session, out, err, progress);
      }
      try (AgentSession own = new AgentSession()) {
        chosen[0] = own.masters(masters);
        return run(chosen[0], own, out, err, progress);
      }
    } catch (RunLock.BusyException e) {
      err.println("stead agent run: " + e.getMessage());
    } catch (AgentFailure e) {
      err.println("stead agent run: " + e.getMessage());
    } catch (StatusRuntimeException e) {
      err.println("stead agent run: " + CallFailures.describe(e,
          chosen[0] == null ? masters.toString() : chosen[0].current().toString()));
    } catch (IOException e) {
      err.println("stead agent run: " + IoMessages.describe(e));
    } catch (UncheckedIOException e) {
      err.println("stead agent run: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug, but still one line: the daemon's log should not fill with traces.
      err.println("stead agent run: unexpected error: " + e);
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
  private int run(MasterChoice masters, AgentSession session, PrintStream out,
      PrintStream err, Progress progress) throws IOException {
    masters.startRun();
    try {
      return attempt(masters, session, out, err, progress);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNAUTHENTICATED
          || !adoptIssuedCertificate(masters.current(), session, err)) {
        throw e;
      }
      session.dropChannels();
      return attempt(masters, session, out, err, progress);
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
    Optional<X509Certificate> adopted;
    try {
      adopted = CertificateRecovery.adoptIssued(address, identity.ca(),
          identity.keys(), identity.certificate(), ssl, options.certname(),
          Clock.systemUTC());
    } catch (StatusRuntimeException e) {
      return false;
    }
    adopted.ifPresent(c -> err.println("stead agent run: the master refused this agent's"
        + " certificate and holds a newer one for its key (serial "
        + c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)
        + "), issued at a renewal whose answer never arrived: adopted it"));
    return adopted.isPresent();
  }

  private int attempt(MasterChoice masters, AgentSession session, PrintStream out,
      PrintStream err, Progress progress) throws IOException {
    Path stateDir = options.stateDir();
    SslFiles ssl = new SslFiles(stateDir.resolve("ssl"));
    AgentSession.Identity identity = session.identity(ssl);
    if (identity == null) {
      identity = bootstrap(masters, ssl, out, err);
      session.remember(ssl, identity);
    }
    X509Certificate ca = identity.ca();
    KeyPair keys = identity.keys();
    X509Certificate certificate = CertificateRenewal.renewIfDue(masters.current(), ca, keys,
        identity.certificate(), ssl, options.certname(), err);

    Failover failover = failover(masters, session, ca, keys, certificate, err);
    boolean channelBroken = false;
    try {
      ReportDelivery delivery = delivery(failover, err);
      delivery.deliverSpooled();

      long t0 = System.nanoTime();
      Facts facts = FactCollector.collect(options.certname(), options.factsDir(),
          ModuleFactsSync.in(stateDir), warning -> err.println("stead agent run: " + warning),
          null);
      long t1 = System.nanoTime();
      CatalogCache cache = cache();
      Catalog held = session.heldCatalog(cache, options.certname(),
          warning -> err.println("stead agent run: " + warning));
      CatalogFetch fetch = new CatalogFetch(failover, options.certname(),
          options.useCachedCatalog());
      FetchedCatalog fetched = fetch.fetch(facts, held,
          session.heldEnvelopesKey(cache, keys.getPrivate()), keys.getPrivate());
      fetch.slot().ifPresent(slot -> keepSlot(session, slot, err));
      fetched.compileErrors().forEach(err::println);
      boolean masterAway = fetched.origin() == CatalogOrigin.CACHED_MASTER_UNREACHABLE;
      channelBroken = masterAway;
      if (fetched.source() == FetchedCatalog.Source.NOTHING) {
        delivery.submit(RunReports.couldNotRun(options.certname(), fetched.reason(),
            options.noop(), null).toBuilder().setTrigger(trigger).setJobId(jobId).build(),
            false);
        err.println("stead agent run: the catalog for " + options.certname()
            + " did not compile; nothing was changed");
        return ExitCodes.COULD_NOT_RUN;
      }
      Catalog catalog = fetched.catalog().orElseThrow();
      if (fetched.source() == FetchedCatalog.Source.FRESH) {
        NodeSecrets sent = fetched.secrets().orElseThrow();
        cache.save(catalog, sent);
        session.hold(catalog, sent);
      }
      long t2 = System.nanoTime();
      if (fetched.source() == FetchedCatalog.Source.CACHED) {
        err.println("stead agent run: " + fetched.reason() + "; enforcing the cached catalog "
            + ReportPrinter.abbreviate(catalog.getDigest()));
      }
      NodeSecrets secrets = session.catalog() == catalog ? session.secrets() : null;
      if (secrets == null) { // the cached catalog: its envelopes were kept beside it
        secrets = cache.secrets(keys.getPrivate());
        session.hold(catalog, secrets);
      }
      if (fetched.source() == FetchedCatalog.Source.FRESH
          || fetched.source() == FetchedCatalog.Source.UNCHANGED) {
        // Only with the master's word on the catalog: it serves the files of its latest one.
        new ModuleFactsSync(ModuleFactsSync.in(stateDir), new FailoverFileSource(failover))
            .sync(catalog.getModuleFactsList(), w -> err.println("stead agent run: " + w));
      }
      boolean audit = fetched.audited() || catalog.getMode() == Mode.AUDIT;
      if (audit) {
        err.println("stead agent run: " + options.certname() + " is in audit mode (set on the"
            + " master): checking only, nothing is changed");
      }
      Converger converger = session.converger(convergeOptions(audit));
      Report converged = converger.converge(catalog, tags, progress, secrets,
          new FailoverFileSource(failover));
      long t3 = System.nanoTime();
      TerminalProgress.clear(progress);
      tellRemovedTemps(converger.removedTemps(), err);
      boolean masterSaid = fetched.source() == FetchedCatalog.Source.FRESH
          || fetched.source() == FetchedCatalog.Source.UNCHANGED;
      AgentSession.Enforced enforced = new AgentSession.Enforced(fetched.origin(),
          fetched.reason(), fetched.compileErrors(), audit,
          masterSaid ? fetched.servedBy() : "");
      session.enforced(enforced);
      Report report = enforced.stamp(converged.toBuilder())
          .setTrigger(trigger)
          .setJobId(jobId)
          .setTimings(PhaseTimings.newBuilder()
              .setFactsMs(millis(t1 - t0))
              .setFetchMs(millis(t2 - t1))
              .setApplyMs(millis(t3 - t2))
              .setReportMs(millis(System.nanoTime() - t3)))
          .build();
      print(report, out);
      delivery.submit(report, masterAway);
      return ExitCodes.of(report);
    } catch (StatusRuntimeException e) {
      channelBroken = true;
      throw e;
    } finally {
      if (channelBroken) {
        session.dropChannels(); // dial afresh next run rather than trust a broken transport
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
    MasterChoice masters;
    try {
      masters = session.masters(MasterList.parse(options.server()));
    } catch (IllegalArgumentException e) {
      err.println("stead agent run: " + e.getMessage());
      return ExitCodes.COULD_NOT_RUN;
    }
    try (RunLock lock = RunLock.acquire(options.stateDir())) {
      Catalog catalog = session.catalog();
      NodeSecrets secrets = session.secrets();
      AgentSession.Identity identity = session.identity(
          new SslFiles(options.stateDir().resolve("ssl")));
      if (keys.isEmpty() || catalog == null || secrets == null || identity == null) {
        return ExitCodes.OK;
      }
      Failover failover = failover(masters, session, identity.ca(), identity.keys(),
          identity.certificate(), err);
      long t0 = System.nanoTime();
      Report converged = session.converger(convergeOptions(session.enforced().audit()))
          .convergeOnly(catalog, keys,
          Progress.NONE, secrets, new FailoverFileSource(failover));
      long t1 = System.nanoTime();
      Report report = session.enforced().stamp(converged.toBuilder())
          .setTrigger(RunTrigger.WATCH)
          .setTimings(PhaseTimings.newBuilder().setApplyMs(millis(t1 - t0)))
          .build();
      ReportSummary found = report.getSummary();
      if (report.getResourcesCount() == 0 && found.getOutOfSync() == 0
          && found.getFailed() + found.getSkipped() == 0) {
        return ExitCodes.OK;
      }
      print(report, out);
      delivery(failover, err).submit(report,
          session.enforced().origin() == CatalogOrigin.CACHED_MASTER_UNREACHABLE);
      return ExitCodes.of(report);
    } catch (RunLock.BusyException e) {
      err.println("stead agent run: watch: " + e.getMessage() + "; the next run checks the change");
    } catch (StatusRuntimeException e) {
      err.println("stead agent run: watch: "
          + CallFailures.describe(e, masters.current().toString()));
    } catch (IOException e) {
      err.println("stead agent run: watch: " + IoMessages.describe(e));
    } catch (UncheckedIOException e) {
      err.println("stead agent run: watch: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("stead agent run: watch: unexpected error: " + e);
    }
    return ExitCodes.COULD_NOT_RUN;
  }

  /** {@code audit}: the master said the node is in audit mode; noop whatever the options say. */
  /**
   * Remembers the run slot the master assigned, in the session and (when it changed) in
   * {@code STATE/run-slot.pb} for the daemon's next start. Failing to write it costs the next
   * start its slot, not this run.
   */
  private void keepSlot(AgentSession session, RunSlot slot, PrintStream err) {
    if (session.runSlot().filter(slot::equals).isEmpty()
        && SlotFile.read(options.stateDir()).filter(slot::equals).isEmpty()) {
      try {
        SlotFile.write(options.stateDir(), slot);
      } catch (IOException e) {
        err.println("stead agent run: cannot keep the run slot in "
            + SlotFile.in(options.stateDir()) + ": " + IoMessages.describe(e));
      }
    }
    session.runSlot(slot);
  }

  private ConvergeOptions convergeOptions(boolean audit) {
    return new ConvergeOptions(options.root(), options.stateDir(), options.noop() || audit,
        options.resourceTimeout());
  }

  private ReportDelivery delivery(Failover masters, PrintStream err) {
    return new ReportDelivery(new ReportSpool(options.stateDir().resolve("spool")),
        senderDecorator.apply(ReportDelivery.over(masters)), err);
  }

  /** Calls to the masters over the session's mutual-TLS channel, failing over when one is away. */
  private static Failover failover(MasterChoice masters, AgentSession session,
      X509Certificate ca, KeyPair keys, X509Certificate certificate, PrintStream err) {
    return new Failover(masters, at -> session.channel(at, ca, keys, certificate),
        line -> err.println("stead agent run: " + line));
  }

  /**
   * Pins the CA, makes the key and gets the certificate (each step only when its file is
   * missing), from the current master and, while one is unavailable, from the next: every
   * master serves the one CA and stores requests where the CA master signs them.
   */
  private AgentSession.Identity bootstrap(MasterChoice masters, SslFiles ssl, PrintStream out,
      PrintStream err) throws IOException {
    for (int tried = 1; ; tried++) {
      MasterAddress at = masters.current();
      Bootstrapper bootstrap = new Bootstrapper(at, ssl,
          options.certname(), options.caFingerprint(), options.trustFirstUse(),
          options.waitForCertSeconds(), options.json() ? err : out) // stdout: JSON only
          .withCsrChallenge(options.csrChallenge());
      try {
        X509Certificate ca = bootstrap.ca();
        KeyPair keys = bootstrap.keys();
        return new AgentSession.Identity(ca, keys, bootstrap.certificate(ca, keys));
      } catch (StatusRuntimeException e) {
        if (!Failover.isUnavailable(e) || tried >= masters.masters().size()) {
          throw e;
        }
        err.println("stead agent run: the master at " + at + " is unavailable ("
            + CallFailures.describe(e, at.toString()) + "); failing over to "
            + masters.failedOver(at));
      }
    }
  }

  private CatalogCache cache() {
    return new CatalogCache(options.cachedCatalog(), options.certname());
  }

  private void print(Report report, PrintStream out) {
    if (options.json()) {
      out.print(Catalogs.toJsonWithZeros(report));
    } else {
      ReportPrinter.print(report, out);
    }
  }

  /** One line: operators should know a run was killed mid-write. */
  private static void tellRemovedTemps(List<Path> removed, PrintStream err) {
    if (!removed.isEmpty()) {
      err.println("stead agent run: removed " + removed.size() + " temporary file"
          + (removed.size() == 1 ? "" : "s") + " left by a killed run (" + removed.get(0)
          + (removed.size() > 1 ? ", ..." : "") + ")");
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000L;
  }
}
