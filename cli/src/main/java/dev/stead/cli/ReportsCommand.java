package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.QueryReportsRequest;
import dev.stead.proto.v1.QueryReportsResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.StatusWords;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reports", description = "Run reports, newest first; `stead report ID` shows one.")
final class ReportsCommand implements Callable<Integer> {
  /** What `--status` accepts, as `stead reports` prints it. */
  enum StatusOption {
    unchanged(RunStatus.UNCHANGED), changed(RunStatus.CHANGED_RUN), failed(RunStatus.FAILED_RUN);

    final RunStatus wire;

    StatusOption(RunStatus wire) {
      this.wire = wire;
    }
  }

  @Mixin AdminOptions admin;

  @Option(names = "--node", paramLabel = "GLOB", description = "Only reports of nodes matching this name or glob, e.g. 'web*'.")
  String node = "";

  @Option(names = "--since", description = "Only reports started within this long, e.g. 24h, 7d.")
  String since;

  @Option(names = "--status", description = "Only reports with this status: ${COMPLETION-CANDIDATES}.")
  StatusOption status;

  @Option(names = "--resource", description = "Only reports listing this resource, e.g. 'file[/etc/motd]'.")
  String resource = "";

  @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}, at most 1000).")
  int limit = 20;

  @Option(names = "--wide", description = "Whole digests and report ids (else shortened "
      + "to fit the terminal).")
  boolean wide;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    QueryReportsRequest.Builder request = QueryReportsRequest.newBuilder()
        .setNode(node).setResource(resource).setLimit(limit);
    if (since != null) {
      request.setSinceMs(Durations.ago(since, "--since"));
    }
    if (status != null) {
      request.setStatus(status.wire);
    }
    try (AdminClient client = admin.connect()) {
      List<Report> reports = new FleetClient(client).reports(request.build());
      if (json) {
        Json.print(System.out, QueryReportsResponse.newBuilder().addAllReports(reports));
        return 0;
      }
      Tables table = new Tables("TIME", "NODE", "STATUS", "RESOURCES", "CHANGED", "FAILED",
          "DRIFT", "INTENDED", "NOOP", "SECONDS", "TRIGGER", "ID");
      for (Report report : reports) {
        ReportSummary s = report.getSummary();
        table.row(Tables.time(report.getStartedAtMs()), report.getNode(),
            StatusWords.of(report), s.getResources(), s.getChanged(), s.getFailed(),
            s.getDriftEvents(), s.getIntendedEvents(), report.getNoop() ? "yes" : "no",
            String.format("%.2f", s.getSeconds()), trigger(report), Tables.id(report.getId(), wide));
      }
      table.print(System.out);
    }
    return 0;
  }

  /** What started the run, in a word; "-" for agents that do not say. */
  static String trigger(Report report) {
    return switch (report.getTrigger()) {
      case SCHEDULED -> "schedule";
      case ON_DEMAND -> "demand";
      case WATCH -> "watch";
      default -> "-";
    };
  }
}
