package dev.stead.master.fleet;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import dev.stead.proto.v1.BackupRequest;
import dev.stead.proto.v1.BackupResponse;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ChangesResponse;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.ComplianceResponse;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.FleetServiceGrpc;
import dev.stead.proto.v1.GetReportRequest;
import dev.stead.proto.v1.LiftExceptionRequest;
import dev.stead.proto.v1.ListExceptionsRequest;
import dev.stead.proto.v1.QueryReportsRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.ReviewDriftResponse;
import dev.stead.wire.CallFailures;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The operator's queries to {@code FleetService}, over an {@link AdminClient}'s channel
 * (the admin certificate). Every failure is an {@link IOException} with a one-line message.
 * Does not own the channel: close the AdminClient.
 */
public final class FleetClient {
  private static final long DEADLINE_SECONDS = 60;
  private final FleetServiceGrpc.FleetServiceBlockingStub stub;
  private final String target;

  public FleetClient(AdminClient admin) {
    this.stub = FleetServiceGrpc.newBlockingStub(admin.channel());
    this.target = admin.target();
  }

  public Report report(String id) throws IOException {
    return call(() -> stub().getReport(GetReportRequest.newBuilder().setId(id).build()));
  }

  public List<Report> reports(QueryReportsRequest request) throws IOException {
    return call(() -> stub().queryReports(request).getReportsList());
  }

  /**
   * The newest {@code limit} reports (0: 20) of {@code node}, or of every node when it is
   * empty, newest first; redacted like every report that leaves the master.
   */
  public List<Report> latest(String node, int limit) throws IOException {
    return reports(QueryReportsRequest.newBuilder().setNode(node).setLimit(limit).build());
  }

  public ChangesResponse changes(ChangesRequest request) throws IOException {
    return call(() -> stub().changes(request));
  }

  public ComplianceResponse compliance(ComplianceRequest request) throws IOException {
    return call(() -> stub().compliance(request));
  }

  /** Asks the master to write a backup into {@code directory} on its own machine. */
  public BackupResponse backup(String directory) throws IOException {
    return call(() -> stub().withDeadlineAfter(10, TimeUnit.MINUTES)
        .backup(BackupRequest.newBuilder().setDirectory(directory).build()));
  }

  /** Grants a drift exception in the admin certificate's name. */
  public DriftException except(ExceptDriftRequest request)
      throws IOException {
    return call(() -> stub().exceptDrift(request));
  }

  /** Lifts (ends now) the drift exception {@code id} in the admin certificate's name. */
  public DriftException lift(String id) throws IOException {
    return call(() -> stub().liftException(LiftExceptionRequest.newBuilder()
        .setId(id).build()));
  }

  /** Active exceptions, plus those expired since {@code expiredSinceMs} (0: none). */
  public List<DriftException> exceptions(long expiredSinceMs)
      throws IOException {
    return call(() -> stub().listExceptions(ListExceptionsRequest
        .newBuilder().setExpiredSinceMs(expiredSinceMs).build()).getExceptionsList());
  }

  public ReviewDriftResponse review(
      ReviewDriftRequest request) throws IOException {
    return call(() -> stub().reviewDrift(request));
  }

  /** Accepts a drifted value in the admin certificate's name: the code change to make. */
  public AcceptDriftResponse accept(
      AcceptDriftRequest request) throws IOException {
    return call(() -> stub().acceptDrift(request));
  }

  private FleetServiceGrpc.FleetServiceBlockingStub stub() {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private <T> T call(Callable<T> rpc) throws IOException {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw new IOException(CallFailures.describe(e, target), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
