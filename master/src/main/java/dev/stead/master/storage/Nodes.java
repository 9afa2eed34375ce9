package dev.stead.master.storage;

import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import java.util.List;

/**
 * Keeps each node's {@link NodeInfo} consistent with what happened: a node appears when it
 * first asks for a catalog, and its summary follows its newest report by start time (so a
 * late retry of an old report does not roll it back). Thread-safe.
 */
public final class Nodes {
  private final Store store;

  public Nodes(Store store) {
    this.store = store;
  }

  /** Records that {@code node} exists, keeping whatever is already known about it. */
  public synchronized void seen(String node) {
    if (store.node(node).isEmpty()) {
      store.putNode(NodeInfo.newBuilder().setName(node).build());
    }
  }

  /** Refreshes {@code node}'s summary from its newest stored report. */
  public synchronized NodeInfo reported(String node) {
    List<Report> newest = store.reports(node, 1);
    NodeInfo.Builder info = store.node(node).map(NodeInfo::toBuilder)
        .orElseGet(() -> NodeInfo.newBuilder().setName(node));
    if (!newest.isEmpty()) {
      Report report = newest.get(0);
      info.setLastReportMs(report.getStartedAtMs())
          .setLastStatus(report.getStatus())
          .setCodeVersion(report.getCodeVersion())
          .setCatalogDigest(report.getCatalogDigest())
          .setLastDriftEvents(report.getSummary().getDriftEvents())
          .setLastReportId(report.getId())
          .setLastCatalogOrigin(report.getCatalogOrigin());
    }
    NodeInfo updated = info.build();
    store.putNode(updated);
    return updated;
  }
}
