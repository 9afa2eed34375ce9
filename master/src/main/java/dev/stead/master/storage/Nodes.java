package dev.stead.master.storage;

import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps each node's {@link NodeInfo} consistent with what happened: a node appears when it
 * first asks for a catalog, and its summary follows its newest report by start time (so a
 * late retry of an old report does not roll it back). A report dated after
 * {@link ReportTimes#latestPlausibleStart now} never counts as the newest: the endpoint
 * re-dates such reports before storing them, and one stored by an older master must not pin
 * the node's status until its date comes.
 *
 * <p>A report of the agent's watch between runs ({@link RunTrigger#WATCH}) checked only the
 * resources whose files changed, so it does not stand for the node: the summary stays that
 * of the newest full run. A watch report that failed or found drift adds to it, since the
 * node's state is worse than the full run said: the status becomes the worse of the two
 * (failed over changed over unchanged), its drift and pending changes are added, and the
 * last report named is the watch report that showed them. A run limited by tags
 * ({@code --tags}) checked only some resources and says nothing of the others, so it does
 * not count here at all.
 *
 * <p>Thread-safe: a node's record is read, rebuilt and written under a lock of its own (one
 * of {@link #LOCK_STRIPES}, by the name's hash), so the summaries of different nodes are
 * rebuilt side by side. One lock for all of them made every report wait for the one before
 * it: with a fleet larger than the store's cache each summary reads the node's newest report
 * from disk, and a fleet of 100,000 nodes was held to about 250 reports a second.
 */
public final class Nodes {
  /**
   * Watch reports looked through for the full run before them; past that many (a daemon
   * whose full runs stopped), the newest report stands for the node.
   */
  static final int MAX_WATCH_REPORTS = 200;

  /**
   * Locks the nodes' records are spread over: many more than report threads, so that two
   * reports of different nodes rarely share one (with 256, the 32 report threads of a master
   * storing 333 reports a second still queued there, behind a summary reading from disk).
   */
  static final int LOCK_STRIPES = 4096;

  private final Store store;
  private final Clock clock;
  private final Object[] locks = new Object[LOCK_STRIPES];

  public Nodes(Store store) {
    this(store, Clock.systemUTC());
  }

  public Nodes(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** Records that {@code node} exists, keeping whatever is already known about it. */
  public void seen(String node) {
    // A known node (every check-in but the first) takes no lock: check-ins do not queue
    // behind the reports' summaries.
    if (store.node(node).isPresent()) {
      return;
    }
    synchronized (lockOf(node)) {
      if (store.node(node).isEmpty()) {
        store.putNode(NodeInfo.newBuilder().setName(node).build());
      }
    }
  }

  /** Refreshes {@code node}'s summary from its newest full run and the watch reports since. */
  public NodeInfo reported(String node) {
    synchronized (lockOf(node)) {
      return summarize(node);
    }
  }

  /**
   * Refreshes the summary of the node of {@code stored}, a report just stored. When it is a
   * full run newer than every report the summary stands on, it is the summary's whole source
   * and nothing is read back: no report the summary ignores (an older full run, a watch
   * report without failure or drift, a run limited by tags) can change what a newer full run
   * says. Otherwise the node's reports are read as {@link #reported(String)} does.
   */
  public NodeInfo reported(Report stored) {
    String node = stored.getNode();
    synchronized (lockOf(node)) {
      NodeInfo known = store.node(node).orElse(null);
      if (standsAlone(stored, known)) {
        NodeInfo.Builder info = known == null ? NodeInfo.newBuilder().setName(node)
            : known.toBuilder();
        NodeInfo updated = withRun(info, stored, stored, stored.getStatus(),
            stored.getSummary().getDriftEvents(), pending(stored)).build();
        store.putNode(updated);
        return updated;
      }
      return summarize(node);
    }
  }

  /**
   * True when {@code report} alone gives the summary: a full run (not a watch, not limited by
   * tags) dated no later than now allows, and later than the newest report {@code known}
   * stands on (strictly: of two runs dated alike, the read order decides).
   */
  private boolean standsAlone(Report report, NodeInfo known) {
    return report.getTrigger() != RunTrigger.WATCH && !report.hasTagLimit()
        && report.getStartedAtMs() <= ReportTimes.latestPlausibleStart(clock.millis())
        && (known == null || report.getStartedAtMs() > known.getLastReportMs());
  }

  private Object lockOf(String node) {
    return locks[Math.floorMod(node.hashCode(), locks.length)];
  }

  private NodeInfo summarize(String node) {
    long latest = ReportTimes.latestPlausibleStart(clock.millis());
    // Newest first: the watch reports since the newest full run, then that run.
    List<Report> watches = new ArrayList<>();
    Report[] full = {null};
    store.scanReports(ReportQuery.between(0, latest).withNode(node), report -> {
      if (report.hasTagLimit()) {
        return true; // checked only some resources: the node stands as other runs left it
      }
      if (report.getTrigger() != RunTrigger.WATCH) {
        full[0] = report;
        return false;
      }
      watches.add(report);
      return watches.size() < MAX_WATCH_REPORTS;
    });
    Report base = full[0];
    List<Report> notable = new ArrayList<>();
    if (base == null && !watches.isEmpty()) {
      base = watches.get(0); // no full run in reach: the newest report it is
    } else {
      for (Report watch : watches) {
        if (watch.getStatus() == RunStatus.FAILED_RUN
            || watch.getSummary().getDriftEvents() > 0) {
          notable.add(watch);
        }
      }
    }
    NodeInfo.Builder info = store.node(node).map(NodeInfo::toBuilder)
        .orElseGet(() -> NodeInfo.newBuilder().setName(node));
    if (base == null && info.getLastReportMs() > latest) {
      // Only a summary from the future, left by an older master: no report to show instead.
      info.clearLastReportMs().clearLastStatus().clearLastDriftEvents().clearLastReportId();
    } else if (base != null) {
      Report shown = notable.isEmpty() ? base : notable.get(0);
      RunStatus status = base.getStatus();
      int drift = base.getSummary().getDriftEvents();
      int pending = pending(base);
      for (Report watch : notable) {
        status = worse(status, watch.getStatus());
        drift += watch.getSummary().getDriftEvents();
        pending += pending(watch);
      }
      withRun(info, base, shown, status, drift, pending);
    }
    NodeInfo updated = info.build();
    store.putNode(updated);
    return updated;
  }

  /**
   * {@code info} showing the full run {@code base} and the report {@code shown} (the newest
   * watch report that failed or drifted since, or {@code base} itself).
   */
  private static NodeInfo.Builder withRun(NodeInfo.Builder info, Report base, Report shown,
      RunStatus status, int drift, int pending) {
    return info.setLastReportMs(shown.getStartedAtMs())
        .setLastStatus(status)
        .setCodeVersion(base.getCodeVersion())
        .setCatalogDigest(base.getCatalogDigest())
        .setLastDriftEvents(drift)
        .setLastReportId(shown.getId())
        .setLastCatalogOrigin(base.getCatalogOrigin())
        .setLastPending(pending);
  }

  /** Changes a noop (or audit) run found and left pending. */
  private static int pending(Report report) {
    return report.getNoop() ? report.getSummary().getOutOfSync() : 0;
  }

  private static RunStatus worse(RunStatus a, RunStatus b) {
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(RunStatus status) {
    return switch (status) {
      case FAILED_RUN -> 3;
      case CHANGED_RUN -> 2;
      case UNCHANGED -> 1;
      default -> 0;
    };
  }
}
