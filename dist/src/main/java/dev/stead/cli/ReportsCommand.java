package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reports", description = "Recent run reports, newest first.")
final class ReportsCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--node", description = "Only this node's reports.")
  String node = "";

  @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      Tables table = new Tables("TIME", "NODE", "STATUS", "RESOURCES", "CHANGED", "FAILED",
          "DRIFT", "INTENDED", "NOOP", "ID");
      for (Report report : client.reports(node, limit)) {
        ReportSummary s = report.getSummary();
        table.row(Tables.time(report.getStartedAtMs()), report.getNode(),
            status(report.getStatus()), s.getResources(), s.getChanged(), s.getFailed(),
            s.getDriftEvents(), s.getIntendedEvents(), report.getNoop() ? "yes" : "no",
            report.getId());
      }
      table.print(System.out);
    }
    return 0;
  }

  static String status(RunStatus status) {
    switch (status) {
      case UNCHANGED: return "unchanged";
      case CHANGED_RUN: return "changed";
      case FAILED_RUN: return "failed";
      default: return "-";
    }
  }

  static String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
  }
}
