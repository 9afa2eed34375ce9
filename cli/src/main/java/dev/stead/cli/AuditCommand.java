package dev.stead.cli;

import dev.stead.master.fleet.Durations;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ChangesResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = {
    "Export every change (node, time, resource, before, after, code version) for compliance "
        + "reviews, and every decision on drift (kind decision: who, why, until when)."})
final class AuditCommand implements Callable<Integer> {
  enum Format { csv, json }

  static final List<String> COLUMNS = List.of("time", "node", "resource", "property", "kind",
      "status", "noop", "before", "after", "code_version", "report_id", "actor", "owner",
      "reason", "exception_id");

  @Mixin AdminOptions admin;

  @Option(names = "--since", description = "How far back, e.g. 24h, 30d (default: ${DEFAULT-VALUE}).")
  String since = "14d";

  @Option(names = "--node", paramLabel = "GLOB", description = "Only nodes matching this glob.")
  String node = "";

  @Option(names = "--format", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.csv;

  @Option(names = {"-o", "--output"}, description = "Write to this file (atomically) instead of standard output.")
  Path output;

  @Override
  public Integer call() throws Exception {
    ChangesRequest request = ChangesRequest.newBuilder()
        .setSinceMs(Durations.ago(since, "--since")).setNodeGlob(node).setLimit(1_000_000)
        .setIncludeDecisions(true).build();
    ChangesResponse changes;
    try (AdminClient client = admin.connect()) {
      changes = new FleetClient(client).changes(request);
    }
    String text = format == Format.json ? Json.of(changes) + "\n" : csv(changes.getChangesList());
    if (output == null) {
      System.out.print(text);
    } else {
      Path tmp = Files.createTempFile(output.toAbsolutePath().getParent(), ".audit-", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      System.err.println("stead audit: " + changes.getChangesCount() + " changes written to "
          + output);
    }
    if (changes.getTruncated()) {
      System.err.println("stead audit: the export was cut at " + changes.getChangesCount()
          + " changes; narrow --since or --node");
      return 1;
    }
    return 0;
  }

  /** RFC 4180 CSV, a header row first, times as ISO-8601 UTC. */
  static String csv(List<ChangeRecord> changes) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
    for (ChangeRecord c : changes) {
      // A decision row's status is what was decided: except, lift, expired.
      String status = c.getKind() == ChangeKind.DECISION ? c.getDecision()
          : c.getStatus().name().toLowerCase(Locale.ROOT);
      List<String> cells = List.of(Instant.ofEpochMilli(c.getTimeMs()).toString(), c.getNode(),
          c.getResource(), c.getProperty(), c.getKind().name().toLowerCase(Locale.ROOT),
          status, String.valueOf(c.getNoop()), c.getBefore(), c.getAfter(), c.getCodeVersion(),
          c.getReportId(), c.getActor(), c.getOwner(), c.getReason(), c.getExceptionId());
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(quote(cells.get(i)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  private static String quote(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
      return "\"" + cell.replace("\"", "\"\"") + "\"";
    }
    return cell;
  }
}
