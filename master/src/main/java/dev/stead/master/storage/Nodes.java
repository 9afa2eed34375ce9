package dev.stead.master.storage;

import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import java.time.Clock;
import java.util.List;

/**
 * Keeps each node's {@link NodeInfo} consistent with what happened: a node appears when it
 * first asks for a catalog, and its summary follows its newest report by start time (so a
 * late retry of an old report does not roll it back). A report dated after
 * {@link ReportTimes#latestPlausibleStart now} never counts as the newest: the endpoint
 * re-dates such reports before storing them, and one stored by an older master must not pin
 * the node's status until its date comes. A run limited by tags ({@code --tags}) checked only
 * some resources and says nothing of the others, so it does not count here. Thread-safe.
 */
public final class Nodes {
  private final Store store;
  private final Clock clock;

  public Nodes(Store store) {
    this(store, Clock.systemUTC());
  }

  public Nodes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Records that {@code node} exists, keeping whatever is already known about it. */
  public synchronized void seen(String node) {
    if (store.node(node).isEmpty()) {
      store.putNode(NodeInfo.newBuilder().setName(node).build());
    }
  }

  /** Refreshes {@code node}'s summary from its newest stored report. */
  public synchronized NodeInfo reported(String node) {
    long latest = ReportTimes.latestPlausibleStart(clock.millis());
    // A run limited by tags checked only some resources: the node stands as its newest full
    // run left it.
    List<Report> newest = new java.util.ArrayList<>(1);
    store.scanReports(ReportQuery.between(0, latest).withNode(node), report -> {
      if (report.hasTagLimit()) {
        return true;
      }
      newest.add(report);
      return false;
    });
    NodeInfo.Builder info = store.node(node).map(NodeInfo::toBuilder)
        .orElseGet(() -> NodeInfo.newBuilder().setName(node));
    if (newest.isEmpty() && info.getLastReportMs() > latest) {
      // Only a summary from the future, left by an older master: no report to show instead.
      info.clearLastReportMs().clearLastStatus().clearLastDriftEvents().clearLastReportId();
    } else if (!newest.isEmpty()) {
      Report report = newest.get(0);
      info.setLastReportMs(report.getStartedAtMs())
          .setLastStatus(report.getStatus())
          .setCodeVersion(report.getCodeVersion())
          .setCatalogDigest(report.getCatalogDigest())
          .setLastDriftEvents(report.getSummary().getDriftEvents())
          .setLastReportId(report.getId())
          .setLastCatalogOrigin(report.getCatalogOrigin())
          .setLastPending(report.getNoop() ? report.getSummary().getOutOfSync() : 0);
    }
    NodeInfo updated = info.build();
    store.putNode(updated);
    return updated;
  }
}
