package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.DriftReviewItem;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.ReviewDriftResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "review", description = {
    "Drift awaiting a decision: what each node's newest run left out of sync.",
    "pending: seen by a noop or audit run, not repaired; failed: the repair failed. "
        + "Repaired drift needs no decision (stead drift lists it)."})
final class DriftReviewCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--node", paramLabel = "GLOB", description = "Only nodes matching this glob.")
  String node = "";

  @Option(names = "--since", description = "Only runs this recent, e.g. 24h, 7d (default: ${DEFAULT-VALUE}).")
  String since = "7d";

  @Option(names = "--all", description = "Also drift held back by an exception (decided already).")
  boolean all;

  @Option(names = "--wide", description = "Whole digests and report ids (else shortened "
      + "to fit the terminal).")
  boolean wide;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ReviewDriftRequest request = ReviewDriftRequest.newBuilder().setNodeGlob(node)
        .setSinceMs(Durations.ago(since, "--since")).setIncludeExcepted(all).build();
    try (AdminClient client = admin.connect()) {
      ReviewDriftResponse review = new FleetClient(client).review(request);
      if (json) {
        Json.print(System.out, review);
        return 0;
      }
      if (review.getItemsCount() == 0) {
        System.out.println("no drift awaiting a decision");
        return 0;
      }
      Tables table = new Tables("NODE", "RESOURCE", "PROPERTY", "STATE", "SINCE", "BEFORE",
          "AFTER", "REPORT");
      for (DriftReviewItem i : review.getItemsList()) {
        String state = i.getState().equals("excepted")
            ? "excepted (" + i.getExceptionId() + " until " + Tables.time(i.getExpiresAtMs()) + ")"
            : i.getState();
        table.row(i.getNode(), i.getResource(), i.getProperty(), state,
            Tables.time(i.getFirstSeenMs()), Tables.digest(i.getBefore(), wide), Tables.digest(i.getAfter(), wide),
            Tables.id(i.getReportId(), wide));
      }
      table.print(System.out);
    }
    return 0;
  }
}
