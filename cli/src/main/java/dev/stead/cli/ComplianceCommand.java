package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.ComplianceResponse;
import dev.stead.proto.v1.CompliancePoint;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compliance", description = {
    "The share of nodes fully in sync, fleet-wide and per class, over time.",
    "A node is in sync when its newest run did not fail, found no drift and left nothing out of sync.",
    "EXCEPTED: of those in sync, the nodes whose newest run held drift back under an exception."})
final class ComplianceCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--since", description = "How far back (default: ${DEFAULT-VALUE}).")
  String since = "7d";

  @Option(names = "--step", description = "One point every STEP (default: ${DEFAULT-VALUE}).")
  String step = "1d";

  @Option(names = "--class", paramLabel = "CLASS", description = "Only this class (default: fleet-wide and every class).")
  String klass;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ComplianceRequest request = ComplianceRequest.newBuilder()
        .setSinceMs(Durations.ago(since, "--since"))
        .setStepMs(Durations.parse(step, "--step").toMillis()).build();
    try (AdminClient client = admin.connect()) {
      ComplianceResponse response = new FleetClient(client).compliance(request);
      if (json) {
        Json.print(System.out, response);
        return 0;
      }
      Tables table = new Tables("TIME", "CLASS", "NODES", "IN SYNC", "COMPLIANT", "EXCEPTED");
      for (CompliancePoint p : response.getPointsList()) {
        if (klass != null && !klass.equals(p.getKlass())) {
          continue;
        }
        table.row(Tables.time(p.getTimeMs()), p.getKlass().isEmpty() ? "(fleet)" : p.getKlass(),
            p.getNodes(), p.getInSync(), p.getNodes() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f%%", 100.0 * p.getInSync() / p.getNodes()),
            p.getExcepted());
      }
      table.print(System.out);
    }
    return 0;
  }
}
