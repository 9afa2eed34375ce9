package dev.stead.cli;

import dev.stead.master.fleet.Expiries;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.ExceptDriftRequest;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "except", description = {
    "Except one drifted property of one node from enforcement until an expiry.",
    "The agent keeps observing it and reports it as excepted; past the expiry it enforces it "
        + "again by itself. The decision is audited (stead audit) with your certificate's name."})
final class DriftExceptCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--node", required = true, description = "The node's certname.")
  String node;

  @Option(names = "--resource", required = true, paramLabel = "TYPE[TITLE]",
      description = "The resource, e.g. 'file[/etc/motd]'.")
  String resource;

  @Option(names = "--property", required = true, description = "The property, e.g. content, mode.")
  String property;

  @Option(names = "--reason", required = true, description = "Why the drift may stay (a ticket, a cause).")
  String reason;

  @Option(names = "--owner", required = true, description = "Who answers for the exception.")
  String owner;

  @Option(names = "--expires", required = true, paramLabel = "WHEN",
      description = "A duration from now (12h, 7d; at most a year) or an ISO-8601 time (2026-12-31T18:00:00Z).")
  String expires;

  @Option(names = "--json", description = "Print the exception as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ExceptDriftRequest request = ExceptDriftRequest.newBuilder()
        .setNode(node).setResource(resource).setProperty(property)
        .setReason(reason).setOwner(owner)
        .setExpiresAtMs(Expiries.parse(expires, "--expires", System.currentTimeMillis()))
        .build();
    try (AdminClient client = admin.connect()) {
      DriftException granted = new FleetClient(client).except(request);
      if (json) {
        Json.print(System.out, granted);
        return 0;
      }
      System.out.println("excepted " + granted.getId() + ": " + granted.getNode() + " "
          + granted.getResource() + " " + granted.getProperty() + " until "
          + Instant.ofEpochMilli(granted.getExpiresAtMs()) + " (owner " + granted.getOwner()
          + ", decided by " + granted.getDecidedBy() + ")");
      System.out.println("the node holds it back from its next run on; `stead exceptions` "
          + "lists the exceptions in force");
    }
    return 0;
  }
}
