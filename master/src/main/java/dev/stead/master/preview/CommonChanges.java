package dev.stead.master.preview;

import dev.stead.proto.v1.CommonChange;
import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.PreviewSummary;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.ResourceDiff;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Tallies node previews into a summary: how many nodes change, fail or have no facts, and
 * the changes most nodes share ({@code file[/etc/motd] content: 37 nodes}). Not thread-safe:
 * fed in order by one thread.
 */
final class CommonChanges {
  /** How many of the most common changes the summary lists. */
  static final int SHOWN = 20;

  private final Map<String, Integer> nodesPerChange = new HashMap<>();
  private final PreviewSummary.Builder summary = PreviewSummary.newBuilder();

  void add(NodePreview node) {
    summary.setNodes(summary.getNodes() + 1);
    switch (node.getOutcome()) {
      case PREVIEW_CHANGED -> summary.setChanged(summary.getChanged() + 1);
      case PREVIEW_UNCHANGED -> summary.setUnchanged(summary.getUnchanged() + 1);
      case PREVIEW_FAILED -> summary.setFailed(summary.getFailed() + 1);
      case PREVIEW_NO_FACTS -> summary.setNoFacts(summary.getNoFacts() + 1);
      default -> throw new IllegalStateException("a preview without outcome: " + node.getNode());
    }
    for (ResourceDiff resource : node.getResourcesList()) {
      switch (resource.getKind()) {
        case RESOURCE_ADDED -> count(resource.getResource() + " added");
        case RESOURCE_REMOVED -> count(resource.getResource() + " removed");
        default -> {
          for (PropertyDiff p : resource.getPropertiesList()) {
            count(resource.getResource() + " " + p.getProperty());
          }
        }
      }
    }
  }

  private void count(String change) {
    nodesPerChange.merge(change, 1, Integer::sum);
  }

  PreviewSummary summary(long elapsedMs) {
    PreviewSummary.Builder out = summary.clone().setElapsedMs(elapsedMs);
    nodesPerChange.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(SHOWN)
        .forEach(e -> out.addCommonChanges(
            CommonChange.newBuilder().setChange(e.getKey()).setNodes(e.getValue())));
    return out.build();
  }
}
