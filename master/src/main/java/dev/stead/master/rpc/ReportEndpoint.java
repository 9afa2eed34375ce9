package dev.stead.master.rpc;

import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.ReportTimes;
import dev.stead.master.storage.ReportStore;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubmitReportResponse;
import dev.stead.wire.StatusWords;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Receives run reports: stored idempotently by id (a retried submit is acknowledged with
 * {@code stored=false}), and the node's summary follows its newest report. Reports are put on
 * the master's clock first ({@link ReportTimes}): one dated too far in the future is stored at
 * its receive time, with a warning naming the node and how far its clock is ahead.
 */
public final class ReportEndpoint extends ReportServiceGrpc.ReportServiceImplBase {
  /** Report ids are UUIDs in practice; anything printable and short is accepted. */
  private static final Pattern REPORT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Logger LOG = Logger.getLogger(ReportEndpoint.class.getName());
  private final ReportStore store;
  private final Nodes nodes;
  private final Clock clock;
  private final Consumer<Report> onStored;

  public ReportEndpoint(ReportStore store, Nodes nodes, Clock clock) {
    this(store, nodes, clock, report -> { });
  }

  /** {@code onStored} sees each report once it is stored (first time only); must not block. */
  public ReportEndpoint(ReportStore store, Nodes nodes, Clock clock, Consumer<Report> onStored) {
    this.store = store;
    this.nodes = nodes;
    this.clock = clock;
    this.onStored = onStored;
  }

  @Override
  public void submitReport(SubmitReportRequest request,
      StreamObserver<SubmitReportResponse> observer) {
    Report report = request.getReport();
    Unary.respond(observer, "storing report '" + report.getId() + "'", () -> {
      Identity.current().requireNode(report.getNode(), "submit the reports");
      InputLimits.checkReport(report);
      if (!REPORT_ID.matcher(report.getId()).matches()) {
        throw Unary.invalid("report id must be 1-128 characters of letters, digits, '.', '_',"
            + " ':' and '-'");
      }
      if (report.getStartedAtMs() < 0) {
        throw Unary.invalid("report started_at_ms must not be negative");
      }
      Report dated = ReportTimes.onMasterClock(report, clock.millis());
      boolean stored = store.addReport(dated);
      if (stored) {
        if (ReportTimes.wasRedated(dated)) {
          LOG.warning("report " + dated.getId() + " of " + dated.getNode() + " claims a run"
              + " started at " + Instant.ofEpochMilli(dated.getClaimedStartedAtMs())
              + " lasting " + dated.getSummary().getSeconds() + " s, ending more than "
              + ReportTimes.CLOCK_SKEW_ALLOWANCE.toMinutes() + " min after the master received"
              + " it at " + Instant.ofEpochMilli(dated.getReceivedAtMs())
              + "; stored at the receive time (is the node's clock ahead?)");
        }
        nodes.reported(dated);
        onStored.accept(dated);
        LOG.info(() -> "report stored node=" + dated.getNode() + " id=" + dated.getId()
            + " status=" + StatusWords.of(dated).replace(' ', '_')
            + (dated.getNoop() ? " noop=true" : "") + " resources="
            + dated.getSummary().getResources() + " changed=" + dated.getSummary().getChanged()
            + " failed=" + dated.getSummary().getFailed() + " drift="
            + dated.getSummary().getDriftEvents());
      } else {
        LOG.fine(() -> "report " + report.getId() + " of " + report.getNode()
            + " was already stored (a retried delivery)");
      }
      return SubmitReportResponse.newBuilder().setId(report.getId()).setStored(stored).build();
    });
  }
}
