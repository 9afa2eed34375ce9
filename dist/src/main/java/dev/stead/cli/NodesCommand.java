package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.NodeInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "nodes", description = "Nodes the master knows, with their last run.")
final class NodesCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      Tables table = new Tables("NODE", "LAST RUN", "STATUS", "DRIFT", "CATALOG", "CODE");
      for (NodeInfo node : client.nodes()) {
        table.row(node.getName(), Tables.time(node.getLastReportMs()),
            ReportsCommand.status(node.getLastStatus()), node.getLastDriftEvents(),
            ReportsCommand.shortDigest(node.getCatalogDigest()), node.getCodeVersion());
      }
      table.print(System.out);
    }
    return 0;
  }
}
