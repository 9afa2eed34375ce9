package dev.stead.master.forward;

import dev.stead.master.fleet.Redactor;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.ForwardedEvent;
import dev.stead.proto.v1.ForwardedReport;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.StatusWords;
import java.time.Instant;
import java.util.Optional;

/** What of a report is forwarded: its drift and its failures, redacted. Stateless. */
public final class Forwarded {
  private Forwarded() {}

  /** The forwarded form of {@code report}, or empty when it found no drift and did not fail. */
  public static Optional<ForwardedReport> of(Report report) {
    ForwardedReport.Builder out = ForwardedReport.newBuilder()
        .setNode(report.getNode())
        .setReportId(report.getId())
        .setTime(Instant.ofEpochMilli(report.getStartedAtMs()).toString())
        .setStatus(StatusWords.of(report))
        .setNoop(report.getNoop())
        .setError(Redactor.text(report.getError()))
        .setCodeVersion(report.getCodeVersion());
    for (ResourceResult resource : report.getResourcesList()) {
      for (Event raw : resource.getEventsList()) {
        if (raw.getKind() == ChangeKind.DRIFT) {
          Event event = Redactor.event(raw);
          out.addEvents(ForwardedEvent.newBuilder().setKind("drift")
              .setResource(resource.getKey()).setProperty(event.getProperty())
              .setBefore(event.getBefore()).setAfter(event.getAfter())
              .setMessage(event.getMessage()).setState(state(event.getStatus())));
        }
      }
      if (resource.getStatus() == ResourceStatus.FAILED) {
        out.addEvents(ForwardedEvent.newBuilder().setKind("failure")
            .setResource(resource.getKey()).setMessage(Redactor.text(resource.getMessage())));
      }
    }
    boolean failed = report.getStatus() == RunStatus.FAILED_RUN;
    return out.getEventsCount() > 0 || failed ? Optional.of(out.build()) : Optional.empty();
  }

  private static String state(EventStatus status) {
    return switch (status) {
      case APPLIED -> "repaired";
      case NOOP -> "pending";
      case FAILURE -> "failed";
      default -> "";
    };
  }
}
