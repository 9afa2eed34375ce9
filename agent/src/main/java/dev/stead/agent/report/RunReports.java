package dev.stead.agent.report;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import java.util.UUID;

/** Reports for runs that never touched the machine (compile error, unusable root). */
public final class RunReports {
  private RunReports() {}

  /**
   * A {@code FAILED_RUN} report with {@code error} set; {@code catalog} may be null when there
   * is none (its code version and digest are copied otherwise).
   */
  public static Report couldNotRun(String node, String error, boolean noop, Catalog catalog) {
    Report.Builder r = Report.newBuilder()
        .setId(UUID.randomUUID().toString())
        .setNode(node)
        .setStartedAtMs(System.currentTimeMillis())
        .setNoop(noop)
        .setStatus(RunStatus.FAILED_RUN)
        .setError(error)
        .setSummary(ReportSummary.getDefaultInstance());
    if (catalog != null) {
      r.setCodeVersion(catalog.getCodeVersion()).setCatalogDigest(catalog.getDigest());
    }
    return r.build();
  }
}
