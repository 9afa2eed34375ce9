package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.ListMastersRequest;
import dev.stead.proto.v1.ListMastersResponse;
import dev.stead.proto.v1.MasterInfo;
import dev.stead.proto.v1.MasterServiceGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "masters", description = "Masters serving from the master's store: address,"
    + " role (ca or no-ca), the code version each last compiled per environment, and how long"
    + " ago each was last seen (masters write a heartbeat every few seconds).")
final class MastersCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--wide", description = "Whole code versions (else shortened).")
  boolean wide;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (AdminClient client = admin.connect()) {
      ListMastersResponse answer = MasterServiceGrpc.newBlockingStub(client.channel())
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .listMasters(ListMastersRequest.getDefaultInstance());
      if (json) {
        Json.print(System.out, answer);
        return 0;
      }
      Tables table = new Tables("ADDRESS", "ROLE", "CODE", "LAST SEEN", "STARTED");
      for (MasterInfo m : answer.getMastersList()) {
        table.row(m.getAddress(), m.getCa() ? "ca" : "no-ca", versions(m.getCodeVersionsMap()),
            ago(answer.getNowMs() - m.getLastSeenMs()), Tables.time(m.getStartedAtMs()));
      }
      table.print(System.out);
    }
    return 0;
  }

  /** {@code production=sha256:ab12…, test=…}; {@code -} before a first compile. */
  private String versions(Map<String, String> byEnvironment) {
    if (byEnvironment.isEmpty()) {
      return "-";
    }
    List<String> out = byEnvironment.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + Tables.digest(e.getValue(), wide)).toList();
    return String.join(", ", out);
  }

  private static String ago(long ms) {
    long s = Math.max(0, ms) / 1000;
    if (s < 120) {
      return s + " s ago";
    }
    if (s < 7200) {
      return s / 60 + " min ago";
    }
    return s / 3600 + " h ago";
  }
}
