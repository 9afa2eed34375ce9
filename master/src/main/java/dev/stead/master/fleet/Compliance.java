package dev.stead.master.fleet;

import dev.stead.master.storage.ReportQuery;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.ComplianceResponse;
import dev.stead.proto.v1.CompliancePoint;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The share of nodes fully in sync, fleet-wide and per class, at evenly spaced instants.
 *
 * <p>A node counts at instant t once it has reported by then; it is in sync at t when its
 * newest report at or before t {@linkplain #inSync ended in sync}. Classes come from each
 * node's last compiled catalog (a node counts in every class it includes). A node whose
 * newest run held drift back under an exception is in sync, and counted apart as excepted
 * too. A run limited by tags ({@code --tags}) is left out: it checked only some resources, so
 * the node stands as its newest full run left it. Thread-safe.
 */
public final class Compliance {
  public static final long DEFAULT_STEP_MS = 3_600_000L;
  /** Points per answer at most, so a tiny step over a long window cannot exhaust memory. */
  public static final int MAX_POINTS = 2_000;
  private final Store store;
  private final Clock clock;

  public Compliance(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Whether a run left its node fully in sync: it did not fail, enforced the catalog of the
   * current code (not a cached one kept because the code did not compile), found no drift,
   * and left no resource out of sync. A noop run changes nothing, so it is in sync exactly
   * when it found nothing pending.
   */
  public static boolean inSync(Report report) {
    return report.getStatus() != RunStatus.FAILED_RUN
        && report.getCatalogOrigin() != CatalogOrigin.CACHED_COMPILE_FAILED
        && report.getError().isEmpty()
        && report.getSummary().getDriftEvents() == 0
        && report.getSummary().getOutOfSync() <= report.getSummary().getChanged();
  }

  /** How a node's newest run left it, for counting. */
  private enum Standing { OUT_OF_SYNC, IN_SYNC, IN_SYNC_EXCEPTED }

  private static Standing standing(Report report) {
    if (!inSync(report)) {
      return Standing.OUT_OF_SYNC;
    }
    // Drift held back by an exception is neither drift nor out of sync, but is shown apart.
    return report.getSummary().getExceptedEvents() > 0 ? Standing.IN_SYNC_EXCEPTED
        : Standing.IN_SYNC;
  }

  /** @throws IllegalArgumentException when the window or step is out of range */
  public ComplianceResponse compute(ComplianceRequest request) {
    long until = request.getUntilMs() == 0 ? clock.millis() : request.getUntilMs();
    long step = request.getStepMs() == 0 ? DEFAULT_STEP_MS : request.getStepMs();
    long since = request.getSinceMs();
    if (step <= 0 || since < 0 || since > until) {
      throw new IllegalArgumentException("need 0 <= since <= until and a positive step");
    }
    if ((until - since) / step + 1 > MAX_POINTS) {
      throw new IllegalArgumentException("more than " + MAX_POINTS
          + " points: choose a larger step");
    }
    // Per node, its runs in the window (time -> in sync), plus its last run before it.
    Map<String, TreeMap<Long, Standing>> runs = new HashMap<>();
    store.scanReports(ReportQuery.between(since, until), report -> {
      if (report.hasTagLimit()) {
        return true; // a run limited by tags says nothing of the resources it skipped
      }
      runs.computeIfAbsent(report.getNode(), n -> new TreeMap<>())
          .put(report.getStartedAtMs(), standing(report));
      return true;
    });
    Map<String, List<String>> classes = new HashMap<>();
    for (NodeInfo node : store.nodes()) {
      if (since > 0) {
        List<Report> before = new ArrayList<>(1);
        store.scanReports(ReportQuery.between(0, since - 1).withNode(node.getName()), r -> {
          if (r.hasTagLimit()) {
            return true;
          }
          before.add(r);
          return false;
        });
        if (!before.isEmpty()) {
          runs.computeIfAbsent(node.getName(), n -> new TreeMap<>())
              .put(before.get(0).getStartedAtMs(), standing(before.get(0)));
        }
      }
      classes.put(node.getName(), store.catalog(node.getName()).<List<String>>map(Catalog::getClassesList)
          .orElse(List.of()));
    }
    TreeSet<String> allClasses = new TreeSet<>();
    runs.keySet().forEach(n -> allClasses.addAll(classes.getOrDefault(n, List.of())));
    List<CompliancePoint> points = new ArrayList<>();
    for (long t = since; t <= until; t += step) {
      Map<String, int[]> counts = new TreeMap<>();
      counts.put("", new int[3]);
      allClasses.forEach(c -> counts.put(c, new int[3]));
      for (Map.Entry<String, TreeMap<Long, Standing>> node : runs.entrySet()) {
        Map.Entry<Long, Standing> last = node.getValue().floorEntry(t);
        if (last == null) {
          continue;
        }
        List<String> keys = new ArrayList<>(classes.getOrDefault(node.getKey(), List.of()));
        keys.add("");
        for (String key : keys) {
          int[] c = counts.get(key);
          c[0]++;
          c[1] += last.getValue() != Standing.OUT_OF_SYNC ? 1 : 0;
          c[2] += last.getValue() == Standing.IN_SYNC_EXCEPTED ? 1 : 0;
        }
      }
      for (Map.Entry<String, int[]> c : counts.entrySet()) {
        points.add(CompliancePoint.newBuilder().setTimeMs(t).setKlass(c.getKey())
            .setNodes(c.getValue()[0]).setInSync(c.getValue()[1])
            .setExcepted(c.getValue()[2]).build());
      }
      if (t > until - step && t != until) {
        // Always end on `until` itself: "now" is the point people look at.
        t = until - step;
      }
    }
    return ComplianceResponse.newBuilder().addAllPoints(points).build();
  }
}
