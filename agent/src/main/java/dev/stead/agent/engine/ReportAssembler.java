package dev.stead.agent.engine;

import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Result;
import dev.stead.agent.secrets.Redaction;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import java.util.List;
import java.util.UUID;

/**
 * Turns a run's outcomes into the wire {@link Report}: every change an event, classified as
 * drift or intended against the previous run's state, and every change a drift exception
 * held back an event of status EXCEPTED (counted apart, neither drift nor out of sync); only
 * resources that matter listed (not in sync, refreshed, carrying a note, or holding back an
 * excepted change), all counted. A resource's {@code message} is
 * its failure or skip reason and/or the engine's note. Stateless.
 */
public final class ReportAssembler {
  private ReportAssembler() {}

  public static Report assemble(Catalog catalog, List<Outcome> outcomes, DriftState previous,
      boolean noop, long startedAtMs, double seconds) {
    Report.Builder report = Report.newBuilder()
        .setId(UUID.randomUUID().toString())
        .setNode(catalog.getNode())
        .setCodeVersion(catalog.getCodeVersion())
        .setCatalogDigest(catalog.getDigest())
        .addAllCompileMessages(catalog.getCompileMessagesList())
        .setStartedAtMs(startedAtMs)
        .setNoop(noop);
    int changed = 0;
    int failed = 0;
    int skipped = 0;
    int outOfSync = 0;
    int intended = 0;
    int drift = 0;
    int excepted = 0;
    for (Outcome o : outcomes) {
      Result r = o.result();
      switch (r.status()) {
        case CHANGED -> {
          changed++;
          outOfSync++;
        }
        case WOULD_CHANGE -> outOfSync++;
        case FAILED -> failed++;
        case SKIPPED -> skipped++;
        default -> { }
      }
      if (r.status() == Result.Status.IN_SYNC && !o.refreshed() && o.note().isEmpty()
          && r.message().isEmpty() && o.excepted().isEmpty()) {
        continue;
      }
      String message = r.message().isEmpty() ? o.note()
          : o.note().isEmpty() ? r.message() : r.message() + " (" + o.note() + ")";
      ResourceResult.Builder rr = ResourceResult.newBuilder()
          .setKey(o.key().toString())
          .setStatus(status(r.status()))
          .setMessage(message)
          .setSource(o.resource().getSource())
          .setRefreshed(o.refreshed());
      for (Change c : r.changes()) {
        ChangeKind kind = previous.classify(o.key().toString(), c.property(), c.after());
        if (kind == ChangeKind.DRIFT) {
          drift++;
        } else {
          intended++;
        }
        rr.addEvents(Event.newBuilder()
            .setProperty(c.property())
            .setBefore(c.before())
            .setAfter(c.after())
            .setStatus(eventStatus(c.outcome()))
            .setKind(kind)
            .setMessage(c.message())
            .setDiff(c.diff())
            .setSensitive(Redaction.isSecret(c.after())));
      }
      for (Outcome.Excepted held : o.excepted()) {
        Change c = held.change();
        excepted++;
        rr.addEvents(Event.newBuilder()
            .setProperty(c.property())
            .setBefore(c.before())
            .setAfter(c.after())
            .setStatus(EventStatus.EXCEPTED)
            .setKind(previous.classify(o.key().toString(), c.property(), c.after()))
            .setDiff(c.diff())
            .setSensitive(Redaction.isSecret(c.after()))
            .setExceptionId(held.exceptionId()));
      }
      report.addResources(rr);
    }
    report.setSummary(ReportSummary.newBuilder()
        .setResources(outcomes.size())
        .setChanged(changed)
        .setFailed(failed)
        .setSkipped(skipped)
        .setOutOfSync(outOfSync)
        .setIntendedEvents(intended)
        .setDriftEvents(drift)
        .setExceptedEvents(excepted)
        .setSeconds(seconds));
    report.setStatus(failed + skipped > 0 ? RunStatus.FAILED_RUN
        : changed > 0 ? RunStatus.CHANGED_RUN : RunStatus.UNCHANGED);
    return report.build();
  }

  private static ResourceStatus status(Result.Status s) {
    return switch (s) {
      case IN_SYNC -> ResourceStatus.IN_SYNC;
      case CHANGED -> ResourceStatus.CHANGED;
      case WOULD_CHANGE -> ResourceStatus.WOULD_CHANGE;
      case FAILED -> ResourceStatus.FAILED;
      case SKIPPED -> ResourceStatus.SKIPPED;
    };
  }

  private static EventStatus eventStatus(Change.Outcome o) {
    return switch (o) {
      case APPLIED -> EventStatus.APPLIED;
      case WOULD_APPLY -> EventStatus.NOOP;
      case FAILED -> EventStatus.FAILURE;
    };
  }
}
