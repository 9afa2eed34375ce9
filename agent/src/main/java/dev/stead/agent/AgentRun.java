package dev.stead.agent;

import dev.stead.agent.client.AgentFailure;
import dev.stead.agent.client.Bootstrapper;
import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterErrors;
import dev.stead.agent.client.ReportSpool;
import dev.stead.agent.fs.AtomicFiles;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.wire.Catalogs;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One agent run against a master: bootstrap trust and certificate when needed, deliver
 * spooled reports, send facts and get the catalog, converge, print, report (spooling the
 * report when the master cannot take it). Everything that stops a run is one line on
 * {@code err} prefixed {@code stead agent:} and exit code 1; never a stack trace.
 *
 * <p>State directory layout: {@code ssl/} (key, certificate, CA), {@code state/last_run.json},
 * {@code backup/}, {@code spool/<report id>.pb}, {@code catalog/last.pb}.
 */
public final class AgentRun {
  private static final long RPC_DEADLINE_S = 30;
  /**
   * gRPC and Netty log connection trouble through java.util.logging on their own (e.g. "Failed
   * to resolve name"), which would add stack-trace-like noise to the one line we print. Held
   * in static fields because JUL keeps loggers only weakly.
   */
  private static final java.util.logging.Logger GRPC_LOG = quiet("io.grpc");
  private static final java.util.logging.Logger NETTY_LOG = quiet("io.netty");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.SEVERE);
    return logger;
  }

  private final AgentOptions options;

  public AgentRun(AgentOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Runs once; returns the exit code ({@link ExitCodes}, or 1 when the run could not run). */
  public int runOnce(PrintStream out, PrintStream err) {
    MasterAddress address;
    try {
      address = MasterAddress.parse(options.server());
    } catch (IllegalArgumentException e) {
      err.println("stead agent: " + e.getMessage());
      return ExitCodes.COULD_NOT_RUN;
    }
    try {
      return run(address, out, err);
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
    }
    return ExitCodes.COULD_NOT_RUN;
  }

  private int run(MasterAddress address, PrintStream out, PrintStream err) throws IOException {
    Path stateDir = options.stateDir();
    Files.createDirectories(stateDir);
    Bootstrapper bootstrap = new Bootstrapper(address, new SslFiles(stateDir.resolve("ssl")),
        options.certname(), options.caFingerprint(), options.trustFirstUse(),
        options.waitForCertSeconds(), out);
    X509Certificate ca = bootstrap.ca();
    KeyPair keys = bootstrap.keys();
    X509Certificate certificate = bootstrap.certificate(ca, keys);

    ManagedChannel channel = Channels.mutual(address, ca, keys.getPrivate(), certificate);
    try {
      ReportServiceGrpc.ReportServiceBlockingStub reports =
          ReportServiceGrpc.newBlockingStub(channel);
      ReportSpool spool = new ReportSpool(stateDir.resolve("spool"));
      ReportSpool.Sender sender = r -> reports.withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
          .submitReport(SubmitReportRequest.newBuilder().setReport(r).build());
      int delivered = spool.deliver(sender);
      if (delivered > 0) {
        out.println("delivered " + delivered + " spooled report" + (delivered == 1 ? "" : "s"));
      }

      GetCatalogResponse response = CatalogServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
          .getCatalog(GetCatalogRequest.newBuilder()
              .setNode(options.certname())
              .setFacts(FactCollector.collect(options.certname()))
              .build());
      if (response.hasFailure()) {
        List<CompileError> errors = response.getFailure().getErrorsList();
        for (CompileError e : errors) {
          err.println(location(e) + e.getMessage());
        }
        String first = errors.isEmpty() ? "no details" : location(errors.get(0))
            + errors.get(0).getMessage();
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
        Report report = RunReports.couldNotRun(options.certname(),
            "the catalog did not compile: " + first + more, options.noop(), null);
        submit(report, sender, spool, err);
        err.println("stead agent: the catalog for " + options.certname()
            + " did not compile; nothing was changed");
        return ExitCodes.COULD_NOT_RUN;
      }
      if (!response.hasCatalog()) {
        throw new AgentFailure("the master at " + address + " sent neither a catalog nor errors");
      }
      Catalog catalog = response.getCatalog();
      if (!Catalogs.verify(catalog)) {
        throw new AgentFailure("the catalog's digest does not match its content: refusing it");
      }
      if (!catalog.getNode().equals(options.certname())) {
        throw new AgentFailure("the master sent the catalog of " + catalog.getNode()
            + ", not of " + options.certname());
      }
      cache(catalog);
      Report report = new Converger(new ConvergeOptions(options.root(), stateDir,
          options.noop())).converge(catalog);
      ReportPrinter.print(report, out);
      submit(report, sender, spool, err);
      return ExitCodes.of(report);
    } finally {
      Channels.close(channel);
    }
  }

  /** Submits the report, or keeps it in the spool for the next run. */
  private static void submit(Report report, ReportSpool.Sender sender, ReportSpool spool,
      PrintStream err) throws IOException {
    try {
      sender.send(report);
    } catch (StatusRuntimeException e) {
      Path file = spool.spool(report);
      err.println("stead agent: the report could not be delivered ("
          + e.getStatus().getCode() + "); kept in " + file + " for the next run");
    }
  }

  /** The last good catalog, for enforcing it while the master is away (issue #4). */
  private void cache(Catalog catalog) throws IOException {
    Path file = options.stateDir().resolve("catalog").resolve("last.pb");
    Files.createDirectories(file.getParent());
    AtomicFiles.writePrivate(file, catalog.toByteArray());
  }

  private static String location(CompileError e) {
    if (!e.hasLocation() || e.getLocation().getFile().isEmpty()) {
      return "";
    }
    return e.getLocation().getFile()
        + (e.getLocation().getLine() > 0 ? ":" + e.getLocation().getLine() : "") + ": ";
  }
}
