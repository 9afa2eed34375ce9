package dev.stead.master.rpc;

import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubmitReportResponse;
import io.grpc.stub.StreamObserver;
import java.util.regex.Pattern;

/**
 * Receives run reports: stored idempotently by id (a retried submit is acknowledged with
 * {@code stored=false}), and the node's summary follows its newest report.
 */
public final class ReportEndpoint extends ReportServiceGrpc.ReportServiceImplBase {
  /** Report ids are UUIDs in practice; anything printable and short is accepted. */
  private static final Pattern REPORT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private final Store store;
  private final Nodes nodes;

  public ReportEndpoint(Store store, Nodes nodes) {
    this.store = store;
    this.nodes = nodes;
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
      boolean stored = store.addReport(report);
      if (stored) {
        nodes.reported(report.getNode());
      }
      return SubmitReportResponse.newBuilder().setId(report.getId()).setStored(stored).build();
    });
  }
}
