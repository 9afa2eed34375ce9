package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.DriftException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lift", description = {
    "End a drift exception now, before its expiry.",
    "The node enforces the property again from its next run. The exception is kept, marked "
        + "lifted; the lift is audited (stead audit) with your certificate's name."})
final class ExceptionsLiftCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Parameters(paramLabel = "ID", description = "The exception's id (ex-…), as stead exceptions lists it.")
  String id;

  @Option(names = "--json", description = "Print the lifted exception as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      DriftException lifted = new FleetClient(client).lift(id);
      if (json) {
        Json.print(System.out, lifted);
        return 0;
      }
      System.out.println("lifted " + lifted.getId() + ": " + lifted.getNode() + " "
          + lifted.getResource() + " " + lifted.getProperty() + " is enforced again from the "
          + "node's next run (was excepted until " + Instant.ofEpochMilli(lifted.getExpiresAtMs())
          + "; lifted by " + lifted.getLiftedBy() + ")");
    }
    return 0;
  }
}
