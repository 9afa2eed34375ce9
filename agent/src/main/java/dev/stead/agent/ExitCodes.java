package dev.stead.agent;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Report;

/**
 * Puppet's {@code --detailed-exitcodes}: 0 nothing to do, 2 changes applied (in noop: changes
 * pending), 4 failures (failed or skipped resources, or the cached catalog enforced because
 * the master could not compile the code), 6 both; 1 when the run could not start
 * ({@code error} set).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int COULD_NOT_RUN = 1;
  public static final int CHANGED = 2;
  public static final int FAILURES = 4;

  private ExitCodes() {}

  public static int of(Report report) {
    if (!report.getError().isEmpty()) {
      return COULD_NOT_RUN;
    }
    int code = OK;
    if (report.getSummary().getOutOfSync() > 0) {
      code |= CHANGED;
    }
    if (report.getSummary().getFailed() + report.getSummary().getSkipped() > 0
        || report.getCatalogOrigin() == CatalogOrigin.CACHED_COMPILE_FAILED) {
      code |= FAILURES;
    }
    return code;
  }
}
