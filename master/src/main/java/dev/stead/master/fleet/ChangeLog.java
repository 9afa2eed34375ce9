package dev.stead.master.fleet;

import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ChangesResponse;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every property change in the stored reports, flattened into rows (node, time, resource,
 * before, after, code version): the drift list and the audit trail, which also holds the
 * operators' decisions on drift when asked (rows of kind DECISION). Values are redacted. In
 * the drift list each drift counts once: a noop run's sighting of a drift that a newer run
 * shows again (pending once more, or repaired) is left out.
 * Thread-safe; reads only.
 */
public final class ChangeLog {
  public static final int DEFAULT_LIMIT = 10_000;
  public static final int MAX_LIMIT = 1_000_000;
  private final Store store;
  /** Where decision rows come from; null: none (the list shows changes only). */
  private final DriftExceptions decisions;

  public ChangeLog(Store store) {
    this(store, null);
  }

  /** A change log that also lists the operators' decisions when a request asks for them. */
  public ChangeLog(Store store, DriftExceptions decisions) {
    this.store = store;
    this.decisions = decisions;
  }

  /**
   * The changes {@code request} asks for, newest first.
   *
   * @throws IllegalArgumentException when the window or the limit is out of range
   */
  public ChangesResponse changes(ChangesRequest request) {
    int limit = request.getLimit() == 0 ? DEFAULT_LIMIT : request.getLimit();
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
    Pattern nodes = Globs.compile(request.getNodeGlob());
    String typePrefix = request.getType().isEmpty() ? "" : request.getType() + "[";
    List<ChangeRecord> out = new ArrayList<>();
    boolean[] truncated = {false};
    // Drift seen by a noop (or audit) run is pending until a real run repairs it: the same
    // drift, counted once. Reports come newest first, so a pending sighting whose property
    // shows drift again in a newer report is that drift, already listed.
    Set<String> listedLater = new HashSet<>();
    store.scanReports(ReportQuery.between(request.getSinceMs(), request.getUntilMs()), report -> {
      if (request.getDriftOnly() && report.getSummary().getDriftEvents() == 0
          && report.getSummary().getExceptedEvents() == 0) {
        return true;
      }
      if (!nodes.matcher(report.getNode()).matches()) {
        return true;
      }
      for (ResourceResult resource : report.getResourcesList()) {
        if (!resource.getKey().startsWith(typePrefix)) {
          continue;
        }
        for (Event event : resource.getEventsList()) {
          if (request.getDriftOnly() && event.getKind() != ChangeKind.DRIFT) {
            continue;
          }
          if (request.getDriftOnly()) {
            String key = report.getNode() + "\n" + resource.getKey() + "\n"
                + event.getProperty();
            boolean seenInNewer = !listedLater.add(key);
            // Held back by an exception, the same drift is seen again on every run.
            if (seenInNewer && (event.getStatus() == EventStatus.NOOP
                || event.getStatus() == EventStatus.EXCEPTED)) {
              continue;
            }
          }
          if (out.size() == limit) {
            truncated[0] = true;
            return false;
          }
          out.add(record(report, resource, Redactor.event(event)));
        }
      }
      return true;
    });
    if (request.getIncludeDecisions() && !request.getDriftOnly() && decisions != null) {
      List<ChangeRecord> decided = new ArrayList<>(
          decisions.decisions(request.getSinceMs(), request.getUntilMs(), nodes));
      // Accepted drift and mode changes, recorded as they were decided.
      store.decisions(request.getSinceMs(), request.getUntilMs()).stream()
          .filter(d -> nodes.matcher(d.getNode()).matches())
          .forEach(decided::add);
      out.addAll(decided.stream()
          .filter(d -> typePrefix.isEmpty() || d.getResource().startsWith(typePrefix))
          .toList());
      // Stable: a decision and a change of the same millisecond keep the order found.
      out.sort(Comparator.comparingLong(ChangeRecord::getTimeMs).reversed());
      if (out.size() > limit) {
        out.subList(limit, out.size()).clear();
        truncated[0] = true;
      }
    }
    return ChangesResponse.newBuilder().addAllChanges(out).setTruncated(truncated[0]).build();
  }

  private static ChangeRecord record(Report report, ResourceResult resource, Event event) {
    return ChangeRecord.newBuilder()
        .setNode(report.getNode())
        .setTimeMs(report.getStartedAtMs())
        .setReportId(report.getId())
        .setCodeVersion(report.getCodeVersion())
        .setResource(resource.getKey())
        .setProperty(event.getProperty())
        .setBefore(event.getBefore())
        .setAfter(event.getAfter())
        .setKind(event.getKind())
        .setStatus(event.getStatus())
        .setDiff(event.getDiff())
        .setNoop(report.getNoop())
        .setExceptionId(event.getExceptionId())
        .build();
  }
}
