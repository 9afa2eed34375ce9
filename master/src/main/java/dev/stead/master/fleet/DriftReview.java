package dev.stead.master.fleet;

import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.DriftReviewItem;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.ReviewDriftResponse;
import dev.stead.proto.v1.RunTrigger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The drift awaiting a decision. What counts is what each node's newest run (one that got as
 * far as checking its catalog) left out of sync: drift it only saw (a noop or audit run:
 * pending) or failed to repair, and, when asked, drift it held back under an exception.
 * Drift a run repaired, or that is gone by the newest run, needs no decision and is not
 * listed; {@code stead drift} keeps its history. A report of the agent's watch between runs
 * checked only some resources: it adds or updates the drift it found, and closes the drift it
 * repaired, but says nothing about the rest, which the newest full run still speaks for.
 * Thread-safe; reads only.
 */
public final class DriftReview {
  private final Store store;

  public DriftReview(Store store) {
    this.store = store;
  }

  public ReviewDriftResponse review(ReviewDriftRequest request) {
    Pattern nodes = Globs.compile(request.getNodeGlob());
    ReviewDriftResponse.Builder out = ReviewDriftResponse.newBuilder();
    for (NodeInfo node : store.nodes()) {
      if (nodes.matcher(node.getName()).matches()) {
        out.addAllItems(review(node.getName(), request));
      }
    }
    return out.build();
  }

  private List<DriftReviewItem> review(String node, ReviewDriftRequest request) {
    // Newest first: the first checked run sets what is open; older runs that show the same
    // drift push its first sighting back, and the first run without it closes it.
    Map<String, DriftReviewItem.Builder> open = new LinkedHashMap<>();
    Map<String, Boolean> stillSeen = new LinkedHashMap<>();
    List<Report> watches = new ArrayList<>();
    boolean[] newest = {true};
    store.scanReports(ReportQuery.between(request.getSinceMs(), 0).withNode(node), report -> {
      if (!report.getError().isEmpty()) {
        return true; // it never looked at the machine
      }
      if (newest[0] && report.getTrigger() == RunTrigger.WATCH) {
        watches.add(report); // applied below, over what the full run before it left
        return true;
      }
      if (newest[0]) {
        newest[0] = false;
        forEachDrift(report, (resource, event) -> {
          String state = state(event);
          if (state == null || (state.equals("excepted") && !request.getIncludeExcepted())) {
            return;
          }
          Event shown = Redactor.event(event);
          open.put(resource + "\n" + event.getProperty(), DriftReviewItem.newBuilder()
              .setNode(node).setResource(resource).setProperty(event.getProperty())
              .setState(state).setBefore(shown.getBefore()).setAfter(shown.getAfter())
              .setFirstSeenMs(report.getStartedAtMs()).setReportId(report.getId())
              .setExceptionId(event.getExceptionId()));
          stillSeen.put(resource + "\n" + event.getProperty(), true);
        });
        return !open.isEmpty();
      }
      Map<String, Long> seenHere = new LinkedHashMap<>();
      forEachDrift(report, (resource, event) -> {
        if (event.getStatus() != EventStatus.APPLIED) {
          seenHere.put(resource + "\n" + event.getProperty(), report.getStartedAtMs());
        }
      });
      boolean anyStill = false;
      for (Map.Entry<String, Boolean> key : stillSeen.entrySet()) {
        if (!key.getValue()) {
          continue;
        }
        Long at = seenHere.get(key.getKey());
        if (at == null) {
          key.setValue(false);
        } else {
          open.get(key.getKey()).setFirstSeenMs(at);
          anyStill = true;
        }
      }
      return anyStill;
    });
    // Oldest watch report first, so the newest word on each property stands.
    for (int i = watches.size() - 1; i >= 0; i--) {
      Report watch = watches.get(i);
      forEachDrift(watch, (resource, event) -> {
        String key = resource + "\n" + event.getProperty();
        String state = state(event);
        if (state == null) {
          open.remove(key); // repaired by the watch
          return;
        }
        if (state.equals("excepted") && !request.getIncludeExcepted()) {
          open.remove(key);
          return;
        }
        Event shown = Redactor.event(event);
        DriftReviewItem.Builder before = open.get(key);
        open.put(key, DriftReviewItem.newBuilder()
            .setNode(node).setResource(resource).setProperty(event.getProperty())
            .setState(state).setBefore(shown.getBefore()).setAfter(shown.getAfter())
            .setFirstSeenMs(before != null ? before.getFirstSeenMs() : watch.getStartedAtMs())
            .setReportId(watch.getId()).setExceptionId(event.getExceptionId()));
      });
    }
    Map<String, DriftException> exceptions = new LinkedHashMap<>();
    for (DriftException e : store.exceptions(node)) {
      exceptions.put(e.getId(), e);
    }
    List<DriftReviewItem> items = new ArrayList<>();
    for (DriftReviewItem.Builder item : open.values()) {
      DriftException e = exceptions.get(item.getExceptionId());
      if (e != null) {
        item.setExpiresAtMs(DriftExceptions.endsAtMs(e));
      }
      items.add(item.build());
    }
    return items;
  }

  /** pending, failed or excepted; null for drift the run repaired. */
  private static String state(Event event) {
    return switch (event.getStatus()) {
      case NOOP -> "pending";
      case FAILURE -> "failed";
      case EXCEPTED -> "excepted";
      default -> null;
    };
  }

  private interface DriftVisitor {
    void visit(String resource, Event event);
  }

  /** Drift events, and events held back by an exception (whatever their kind). */
  private static void forEachDrift(Report report, DriftVisitor visitor) {
    for (ResourceResult r : report.getResourcesList()) {
      for (Event e : r.getEventsList()) {
        if (e.getKind() == ChangeKind.DRIFT || e.getStatus() == EventStatus.EXCEPTED) {
          visitor.visit(r.getKey(), e);
        }
      }
    }
  }
}
