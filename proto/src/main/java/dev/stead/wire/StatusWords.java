package dev.stead.wire;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;

/**
 * The words people read for a run's or a node's status, the same in the CLI and the
 * dashboard. A run on a cached catalog is "stale" with the reason, because the machine then
 * follows old code whatever its own status says.
 */
public final class StatusWords {
  private StatusWords() {}

  public static String of(RunStatus status) {
    return switch (status) {
      case UNCHANGED -> "unchanged";
      case CHANGED_RUN -> "changed";
      case FAILED_RUN -> "failed";
      default -> "-";
    };
  }

  /** What happened to one resource in a run. */
  public static String of(ResourceStatus status) {
    return switch (status) {
      case IN_SYNC -> "in sync";
      case CHANGED -> "changed";
      case WOULD_CHANGE -> "would change";
      case FAILED -> "failed";
      case SKIPPED -> "skipped";
      default -> "-";
    };
  }

  /**
   * What happened to one property change: applied, only reported (noop), failed, or held
   * back by a drift exception.
   */
  public static String of(EventStatus status) {
    return switch (status) {
      case APPLIED -> "applied";
      case NOOP -> "would apply";
      case FAILURE -> "failed";
      case EXCEPTED -> "excepted";
      default -> "-";
    };
  }

  /** Why a property changed. */
  public static String of(ChangeKind kind) {
    return switch (kind) {
      case DRIFT -> "drift";
      case INTENDED -> "intended";
      default -> "-";
    };
  }

  /** The run's status, or why it is stale. */
  public static String of(Report report) {
    String stale = stale(report.getCatalogOrigin());
    if (stale != null) {
      return stale;
    }
    // A noop run changes nothing: what it would change is pending, not "unchanged".
    if (report.getNoop() && report.getStatus() != RunStatus.FAILED_RUN
        && report.getSummary().getOutOfSync() > 0) {
      return "pending";
    }
    return of(report.getStatus());
  }

  /** The status of the node's last run, or why it is stale; "unreported" before any. */
  public static String of(NodeInfo node) {
    if (node.getLastReportMs() == 0) {
      return "unreported";
    }
    String stale = stale(node.getLastCatalogOrigin());
    if (stale != null) {
      return stale;
    }
    if (node.getLastPending() > 0 && node.getLastStatus() != RunStatus.FAILED_RUN) {
      return "pending";
    }
    return of(node.getLastStatus());
  }

  private static String stale(CatalogOrigin origin) {
    return switch (origin) {
      case CACHED_COMPILE_FAILED -> "stale: compile failed";
      case CACHED_MASTER_UNREACHABLE -> "stale: master unreachable";
      default -> null;
    };
  }
}
