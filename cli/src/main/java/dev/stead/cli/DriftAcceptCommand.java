package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "accept", description = {
    "Accept one drifted property of one node: the value the node has is the right one.",
    "Prints the code change that makes it the intended value: a patch of the data file when "
        + "the value came from data (apply it with git apply in the code directory), else a "
        + "snippet naming where the resource is declared. The master never changes the code; "
        + "the node's next run after the change is deployed reports the property in sync. "
        + "The decision is audited (stead audit) with your certificate's name. A secret value "
        + "is refused."})
final class DriftAcceptCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--node", required = true, description = "The node's certname.")
  String node;

  @Option(names = "--resource", required = true, paramLabel = "TYPE[TITLE]",
      description = "The resource, e.g. 'file[/etc/motd]'.")
  String resource;

  @Option(names = "--property", required = true, description = "The property, e.g. content, mode.")
  String property;

  @Option(names = "--reason", description = "Why the node's value is right (kept in the audit trail).")
  String reason = "";

  @Option(names = "--json", description = "Print the answer as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    AcceptDriftRequest request = AcceptDriftRequest.newBuilder().setNode(node)
        .setResource(resource).setProperty(property).setReason(reason).build();
    try (AdminClient client = admin.connect()) {
      AcceptDriftResponse accepted = new FleetClient(client).accept(request);
      if (json) {
        Json.print(System.out, accepted);
        return 0;
      }
      // The change alone on standard output, so that `> accept.patch` keeps it whole.
      System.out.print(accepted.getPatch().isEmpty() ? accepted.getSnippet()
          : accepted.getPatch());
      String where = accepted.getDataKey().isEmpty() ? ""
          : " (data key " + accepted.getDataKey() + " in " + accepted.getDataFile() + ":"
              + accepted.getDataLine() + ")";
      System.err.println("accepted: " + accepted.getNode() + " " + accepted.getResource() + " "
          + accepted.getProperty() + where + ", decided by " + accepted.getDecidedBy());
      System.err.println(accepted.getPatch().isEmpty()
          ? "write the snippet into the code where it says, then deploy the code"
          : "apply the patch in the code directory (git apply), then deploy the code");
    }
    return 0;
  }
}
