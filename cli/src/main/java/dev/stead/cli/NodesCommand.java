package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.ListNodesResponse;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.wire.StatusWords;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "nodes", description = "Nodes the master knows: environment, mode (audit or"
    + " enforce), status, last run, code version, drifting or not.")
final class NodesCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--wide", description = "Whole digests and report ids (else shortened "
      + "to fit the terminal).")
  boolean wide;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      List<NodeInfo> nodes = client.nodes();
      if (json) {
        Json.print(System.out, ListNodesResponse.newBuilder().addAllNodes(nodes));
        return 0;
      }
      // MODE beside DRIFTING: drift on an audited node is pending, not repaired.
      Tables table = new Tables("NODE", "STATUS", "LAST RUN", "DRIFTING", "MODE", "ENV",
          "CODE", "CATALOG", "LAST REPORT");
      for (NodeInfo node : nodes) {
        table.row(node.getName(),
            StatusWords.of(node),
            Tables.time(node.getLastReportMs()),
            node.getLastDriftEvents() > 0 ? "yes (" + node.getLastDriftEvents() + ")" : "no",
            NodeCommand.mode(node.getMode()),
            node.getEnvironment(),
            node.getCodeVersion().isEmpty() ? "-" : Tables.digest(node.getCodeVersion(), wide),
            Tables.digest(node.getCatalogDigest(), wide),
            Tables.id(node.getLastReportId(), wide));
      }
      table.print(System.out);
    }
    return 0;
  }
}
