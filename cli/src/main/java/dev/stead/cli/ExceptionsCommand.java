package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.ListExceptionsResponse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "exceptions", description = "Drift exceptions in force (stead drift except grants them).",
    subcommands = {ExceptionsLiftCommand.class})
final class ExceptionsCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--expired", paramLabel = "SINCE",
      description = "Also those that expired or were lifted this recently, e.g. 7d.")
  String expired;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    long expiredSince = expired == null ? 0 : Math.max(1, Durations.ago(expired, "--expired"));
    try (AdminClient client = admin.connect()) {
      List<DriftException> exceptions = new FleetClient(client).exceptions(expiredSince);
      if (json) {
        Json.print(System.out, ListExceptionsResponse.newBuilder().addAllExceptions(exceptions));
        return 0;
      }
      if (exceptions.isEmpty()) {
        System.out.println(expired == null ? "no drift exceptions in force"
            : "no drift exceptions in force or expired since " + expired + " ago");
        return 0;
      }
      long now = System.currentTimeMillis();
      Tables table = new Tables("ID", "NODE", "RESOURCE", "PROPERTY", "EXPIRES", "STATE",
          "OWNER", "DECIDED BY", "REASON");
      for (DriftException e : exceptions) {
        table.row(e.getId(), e.getNode(), e.getResource(), e.getProperty(),
            Tables.time(e.getExpiresAtMs()), e.getLiftedAtMs() != 0
                ? "lifted by " + e.getLiftedBy() + " " + Tables.time(e.getLiftedAtMs())
                : e.getExpiresAtMs() > now ? "active" : "expired",
            e.getOwner(), e.getDecidedBy(), e.getReason().replaceAll("\\s+", " "));
      }
      table.print(System.out);
    }
    return 0;
  }
}
