package dev.stead.master.rpc;

import dev.stead.master.fleet.Backups;
import dev.stead.master.fleet.ChangeLog;
import dev.stead.master.fleet.Compliance;
import dev.stead.master.fleet.DriftAccept;
import dev.stead.master.fleet.DriftExceptions;
import dev.stead.master.fleet.DriftReview;
import dev.stead.master.fleet.Globs;
import dev.stead.master.fleet.Redactor;
import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.BackupRequest;
import dev.stead.proto.v1.BackupResponse;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ChangesResponse;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.ComplianceResponse;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.FleetServiceGrpc;
import dev.stead.proto.v1.LiftExceptionRequest;
import dev.stead.proto.v1.ListExceptionsRequest;
import dev.stead.proto.v1.ListExceptionsResponse;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.ReviewDriftResponse;
import dev.stead.proto.v1.GetReportRequest;
import dev.stead.proto.v1.QueryReportsRequest;
import dev.stead.proto.v1.QueryReportsResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's queries over the fleet's history, backups and decisions on drift; admin
 * certificate only, whose name each decision records. Everything a report carries goes out
 * {@linkplain Redactor redacted}.
 */
public final class FleetEndpoint extends FleetServiceGrpc.FleetServiceImplBase {
  private static final Logger LOG =
      Logger.getLogger(FleetEndpoint.class.getName());
  private static final int DEFAULT_REPORTS = 20;
  private static final int MAX_REPORTS = 1000;
  private final Store store;
  private final Path dataDir;
  private final ChangeLog changes;
  private final Compliance compliance;
  private final DriftExceptions exceptions;
  private final DriftReview review;
  private final DriftAccept accept;

  private static final int MIN_ID_PREFIX = 6;

  public FleetEndpoint(Store store, Path dataDir, Compliance compliance,
      DriftExceptions exceptions, DriftAccept accept) {
    this.store = store;
    this.dataDir = dataDir;
    this.changes = new ChangeLog(store, exceptions);
    this.compliance = compliance;
    this.exceptions = exceptions;
    this.review = new DriftReview(store);
    this.accept = accept;
  }

  @Override
  public void acceptDrift(AcceptDriftRequest request,
      StreamObserver<AcceptDriftResponse> observer) {
    Unary.respond(observer, "AcceptDrift", () -> checked(() -> {
      try {
        AcceptDriftResponse accepted = accept.accept(request, Identity.current().commonName());
        LOG.info(() -> "drift accepted by " + accepted.getDecidedBy() + ": "
            + accepted.getNode() + " " + accepted.getResource() + " " + accepted.getProperty()
            + (accepted.getDataKey().isEmpty() ? "" : " (data key " + accepted.getDataKey()
                + " in " + accepted.getDataFile() + ")"));
        return accepted;
      } catch (NoSuchElementException e) {
        throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
      } catch (DriftAccept.Refused e) {
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      }
    }));
  }

  @Override
  public void exceptDrift(ExceptDriftRequest request, StreamObserver<DriftException> observer) {
    Unary.respond(observer, "ExceptDrift", () -> checked(() -> {
      try {
        DriftException granted = exceptions.grant(request, Identity.current().commonName());
        LOG.info(() -> "drift exception " + granted.getId() + " granted by "
            + granted.getDecidedBy() + ": " + granted.getNode() + " " + granted.getResource()
            + " " + granted.getProperty() + " until "
            + Instant.ofEpochMilli(granted.getExpiresAtMs()));
        return granted;
      } catch (NoSuchElementException e) {
        throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
      }
    }));
  }

  @Override
  public void liftException(LiftExceptionRequest request,
      StreamObserver<DriftException> observer) {
    Unary.respond(observer, "LiftException", () -> checked(() -> {
      try {
        DriftException lifted = exceptions.lift(request.getId(),
            Identity.current().commonName());
        LOG.info(() -> "drift exception " + lifted.getId() + " lifted by "
            + lifted.getLiftedBy() + ": " + lifted.getNode() + " " + lifted.getResource()
            + " " + lifted.getProperty());
        return lifted;
      } catch (NoSuchElementException e) {
        throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
      }
    }));
  }

  @Override
  public void listExceptions(ListExceptionsRequest request,
      StreamObserver<ListExceptionsResponse> observer) {
    Unary.respond(observer, "ListExceptions", () -> ListExceptionsResponse.newBuilder()
        .addAllExceptions(exceptions.list(request.getExpiredSinceMs())).build());
  }

  @Override
  public void reviewDrift(ReviewDriftRequest request,
      StreamObserver<ReviewDriftResponse> observer) {
    Unary.respond(observer, "ReviewDrift", () -> checked(() -> review.review(request)));
  }

  @Override
  public void getReport(GetReportRequest request, StreamObserver<Report> observer) {
    Unary.respond(observer, "GetReport", () -> Redactor.report(reportById(request.getId())));
  }

  /**
   * The report with this id, or the one report whose id starts with it (at least
   * {@value #MIN_ID_PREFIX} characters, as people copy the start of an id).
   */
  private Report reportById(String id) {
    Optional<Report> exact = store.report(id);
    if (exact.isPresent()) {
      return exact.get();
    }
    List<Report> candidates = id.length() < MIN_ID_PREFIX ? List.of()
        : store.reportsWithIdPrefix(id, 3);
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw Status.NOT_FOUND.withDescription("no report with id '" + id + "'"
          + (id.length() < MIN_ID_PREFIX ? " (a prefix needs " + MIN_ID_PREFIX
              + " characters or more)" : "")).asRuntimeException();
    }
    throw Unary.invalid("the id prefix '" + id + "' matches several reports ("
        + candidates.stream().map(Report::getId).collect(Collectors.joining(", "))
        + (candidates.size() > 2 ? ", …" : "") + "): give more of the id");
  }

  @Override
  public void queryReports(QueryReportsRequest request,
      StreamObserver<QueryReportsResponse> observer) {
    Unary.respond(observer, "QueryReports", () -> checked(() -> {
      int limit = request.getLimit();
      if (limit < 0 || limit > MAX_REPORTS) {
        throw new IllegalArgumentException("limit must be between 0 (meaning "
            + DEFAULT_REPORTS + ") and " + MAX_REPORTS);
      }
      if (request.getStatus() == RunStatus.UNRECOGNIZED) {
        throw new IllegalArgumentException("unknown run status");
      }
      int wanted = limit == 0 ? DEFAULT_REPORTS : limit;
      QueryReportsResponse.Builder out = QueryReportsResponse.newBuilder();
      if (Globs.isGlob(request.getNode())) {
        // A glob cannot use the per-node index: scan the others and match the name.
        Pattern nodes = Globs.compile(request.getNode());
        store.scanReports(new ReportQuery("", request.getSinceMs(), request.getUntilMs(),
            request.getStatus(), request.getResource()), report -> {
              if (nodes.matcher(report.getNode()).matches()) {
                out.addReports(Redactor.report(report));
              }
              return out.getReportsCount() < wanted;
            });
        return out.build();
      }
      ReportQuery query = new ReportQuery(request.getNode(), request.getSinceMs(),
          request.getUntilMs(), request.getStatus(), request.getResource());
      for (Report report : store.queryReports(query, wanted)) {
        out.addReports(Redactor.report(report));
      }
      return out.build();
    }));
  }

  @Override
  public void changes(ChangesRequest request, StreamObserver<ChangesResponse> observer) {
    Unary.respond(observer, "Changes", () -> checked(() -> changes.changes(request)));
  }

  @Override
  public void compliance(ComplianceRequest request,
      StreamObserver<ComplianceResponse> observer) {
    Unary.respond(observer, "Compliance", () -> checked(() -> compliance.compute(request)));
  }

  @Override
  public void backup(BackupRequest request, StreamObserver<BackupResponse> observer) {
    Unary.respond(observer, "Backup", () -> checked(() -> {
      Path target;
      try {
        target = Path.of(request.getDirectory());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("not a path: " + request.getDirectory());
      }
      if (request.getDirectory().isEmpty() || !target.isAbsolute()) {
        throw new IllegalArgumentException("the backup directory must be an absolute path");
      }
      long bytes;
      try {
        bytes = Backups.backup(store, dataDir, target);
      } catch (UnsupportedOperationException e) {
        // The PostgreSQL store is backed up with PostgreSQL's tools; the message says so.
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      } catch (IOException e) {
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      }
      return BackupResponse.newBuilder().setDirectory(target.toString()).setBytes(bytes)
          .build();
    }));
  }

  /** Caller mistakes found below the endpoint become INVALID_ARGUMENT, not INTERNAL. */
  private static <T> T checked(Callable<T> body) throws Exception {
    try {
      return body.call();
    } catch (IllegalArgumentException e) {
      throw Unary.invalid(e.getMessage());
    }
  }
}
