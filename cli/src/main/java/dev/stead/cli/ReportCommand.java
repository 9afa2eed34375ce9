package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.PhaseTimings;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.wire.StatusWords;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "One run report: every event, with unified diffs of file content (secrets redacted by the master).")
final class ReportCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Parameters(index = "0", paramLabel = "ID", description = "The report id (see `stead reports`), or its first 6 characters or more.")
  String id;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      Report report = new FleetClient(client).report(id);
      if (json) {
        Json.print(System.out, report);
      } else {
        print(report, System.out);
      }
    }
    return 0;
  }

  static void print(Report report, PrintStream out) {
    ReportSummary s = report.getSummary();
    out.println("report   " + report.getId());
    out.println("node     " + report.getNode());
    out.println("started  " + Tables.time(report.getStartedAtMs())
        + (report.getNoop() ? "  (noop)" : "")
        + (report.getCachedCatalog() ? "  (cached catalog)" : ""));
    out.println("status   " + StatusWords.of(report));
    if (!report.getCachedReason().isEmpty()) {
      out.println("cached   " + report.getCachedReason());
    }
    for (String error : report.getCompileErrorsList()) {
      out.println("error    " + error);
    }
    out.println("code     " + (report.getCodeVersion().isEmpty() ? "-" : report.getCodeVersion())
        + "  catalog " + (report.getCatalogDigest().isEmpty() ? "-" : report.getCatalogDigest()));
    if (!report.getCompiledBy().isEmpty()) {
      out.println("master   " + report.getCompiledBy());
    }
    out.printf(Locale.ROOT, "summary  %d resources: %d changed, %d out of sync, %d failed, "
            + "%d skipped; properties: %d drift, %d intended; %.2f s%n",
        s.getResources(), s.getChanged(), s.getOutOfSync(), s.getFailed(), s.getSkipped(),
        s.getDriftEvents(), s.getIntendedEvents(), s.getSeconds());
    if (report.hasTimings()) {
      PhaseTimings t = report.getTimings();
      out.printf(Locale.ROOT, "timings  facts %d ms, fetch %d ms, apply %d ms, report %d ms%n",
          t.getFactsMs(), t.getFetchMs(), t.getApplyMs(), t.getReportMs());
    }
    if (!report.getError().isEmpty()) {
      out.println("error    " + report.getError());
    }
    for (ResourceResult resource : report.getResourcesList()) {
      out.println();
      String where = resource.getSource().getFile().isEmpty() ? ""
          : "  (" + resource.getSource().getFile() + ":" + resource.getSource().getLine() + ")";
      out.println(resource.getKey() + "  " + resource.getStatus().name().toLowerCase(Locale.ROOT)
          .replace('_', ' ') + (resource.getRefreshed() ? ", refreshed" : "") + where);
      if (!resource.getMessage().isEmpty()) {
        out.println("  " + resource.getMessage());
      }
      for (Event event : resource.getEventsList()) {
        out.println("  " + kind(event) + "  " + event.getProperty() + ": "
            + show(event.getBefore()) + " -> " + show(event.getAfter())
            + (event.getMessage().isEmpty() ? "" : "  (" + event.getMessage() + ")"));
        if (!event.getDiff().isEmpty()) {
          event.getDiff().lines().forEach(line -> out.println("      " + line));
        }
      }
    }
  }

  private static String kind(Event event) {
    String kind = event.getKind() == ChangeKind.DRIFT ? "drift   " : "intended";
    return event.getStatus() == EventStatus.NOOP ? kind + " (noop)"
        : event.getStatus() == EventStatus.FAILURE ? kind + " (failed)" : kind;
  }

  private static String show(String value) {
    return value.isEmpty() ? "(none)" : value;
  }
}
