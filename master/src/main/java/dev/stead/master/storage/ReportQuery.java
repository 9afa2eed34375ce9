package dev.stead.master.storage;

import dev.stead.proto.v1.RunStatus;
import java.util.Objects;

/**
 * Which reports to scan: every criterion narrows, an empty or zero one does not. The store
 * picks the most selective index (resource, node, status, else time) and filters the rest.
 * Immutable.
 *
 * @param node only this node's reports; empty: every node
 * @param sinceMs only reports started at or after this instant (ms since the epoch); 0: no bound
 * @param untilMs only reports started at or before this instant; 0: no bound
 * @param status only reports with this status; {@code RUN_STATUS_UNSPECIFIED}: any
 * @param resource only reports listing this resource ({@code type[title]}); empty: any
 */
public record ReportQuery(String node, long sinceMs, long untilMs, RunStatus status,
    String resource) {

  public ReportQuery {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(resource, "resource");
    if (sinceMs < 0 || untilMs < 0) {
      throw new IllegalArgumentException("since and until must not be negative");
    }
    if (untilMs != 0 && untilMs < sinceMs) {
      throw new IllegalArgumentException("until (" + untilMs + ") is before since (" + sinceMs
          + ")");
    }
    if (status == RunStatus.UNRECOGNIZED) {
      throw new IllegalArgumentException("status is not a known run status");
    }
  }

  /** Every report. */
  public static ReportQuery all() {
    return new ReportQuery("", 0, 0, RunStatus.RUN_STATUS_UNSPECIFIED, "");
  }

  /** Every report started in {@code [sinceMs, untilMs]} (0 = unbounded). */
  public static ReportQuery between(long sinceMs, long untilMs) {
    return new ReportQuery("", sinceMs, untilMs, RunStatus.RUN_STATUS_UNSPECIFIED, "");
  }

  public ReportQuery withNode(String node) {
    return new ReportQuery(node, sinceMs, untilMs, status, resource);
  }

  public ReportQuery withStatus(RunStatus status) {
    return new ReportQuery(node, sinceMs, untilMs, status, resource);
  }

  public ReportQuery withResource(String resource) {
    return new ReportQuery(node, sinceMs, untilMs, status, resource);
  }

  /** Whether {@code report} meets every criterion (the index used may cover only one). */
  boolean matches(dev.stead.proto.v1.Report report) {
    if (!node.isEmpty() && !node.equals(report.getNode())) {
      return false;
    }
    if (status != RunStatus.RUN_STATUS_UNSPECIFIED && status != report.getStatus()) {
      return false;
    }
    if (report.getStartedAtMs() < sinceMs || (untilMs != 0 && report.getStartedAtMs() > untilMs)) {
      return false;
    }
    return resource.isEmpty()
        || report.getResourcesList().stream().anyMatch(r -> r.getKey().equals(resource));
  }
}
