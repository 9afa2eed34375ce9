package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.wire.Catalogs;
import dev.stead.wire.StatusWords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = "One node: show it, or set what the operator decides"
    + " about it (its classification, kept by the master; e.g. mode=audit).",
    subcommands = {NodeCommand.Show.class, NodeCommand.Set.class, NodeCommand.Unset.class})
final class NodeCommand {

  @Command(name = "show", description = "The node's mode, classification and last run.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "NODE", description = "The node's certname.")
    String name;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        NodeInfo node = client.node(name);
        if (json) {
          Json.print(System.out, node);
          return 0;
        }
        System.out.println("node:        " + node.getName());
        System.out.println("environment: " + node.getEnvironment());
        System.out.println("mode:        " + mode(node.getMode()));
        System.out.println("classified:  " + classified(node.getClassification()));
        System.out.println("status:      " + StatusWords.of(node));
        System.out.println("last run:    " + Tables.time(node.getLastReportMs()));
        System.out.println("drifting:    " + (node.getLastDriftEvents() > 0
            ? "yes (" + node.getLastDriftEvents() + ")" : "no"));
        System.out.println("code:        " + orDash(node.getCodeVersion()));
        System.out.println("catalog:     " + Catalogs.shortDigest(node.getCatalogDigest()));
        System.out.println("last report: " + orDash(node.getLastReportId()));
      }
      return 0;
    }
  }

  @Command(name = "set", description = "Set keys of a node's classification, e.g. mode=audit"
      + " (check and report drift as pending, never change the node) or mode=enforce, or"
      + " environment=staging (compile its catalogs from that environment's code). Known"
      + " keys: environment (a name), mode (audit|enforce). The node need not have enrolled"
      + " yet.")
  static final class Set implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's certname.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE",
        description = "What to set, e.g. mode=audit.")
    List<String> pairs;

    @Override
    public Integer call() throws Exception {
      Map<String, String> set = new LinkedHashMap<>();
      for (String pair : pairs) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("expected KEY=VALUE (e.g. mode=audit), got '"
              + pair + "'");
        }
        if (set.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
          throw new IllegalArgumentException("'" + pair.substring(0, eq) + "' is given twice");
        }
      }
      try (AdminClient client = admin.connect()) {
        System.out.println(line(client.classify(name, set, List.of())));
      }
      return 0;
    }
  }

  @Command(name = "unset", description = "Remove keys of a node's classification (back to"
      + " the default; for mode: enforce; for environment: production).")
  static final class Unset implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "NODE", description = "The node's certname.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY",
        description = "What to remove, e.g. mode.")
    List<String> keys;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        System.out.println(line(client.classify(name, Map.of(), new ArrayList<>(keys))));
      }
      return 0;
    }
  }

  /** {@code web01: mode=audit}, or {@code web01: nothing set (mode enforce)}. */
  static String line(NodeClassification c) {
    return c.getNode() + ": " + classified(c);
  }

  private static String classified(NodeClassification c) {
    if (c.getValuesMap().isEmpty()) {
      return "nothing set (mode enforce)";
    }
    StringBuilder out = new StringBuilder();
    new TreeMap<>(c.getValuesMap()).forEach((k, v) ->
        out.append(out.length() == 0 ? "" : " ").append(k).append('=').append(v));
    if (c.getUpdatedAtMs() > 0) {
      out.append("  (by ").append(c.getUpdatedBy()).append(", ")
          .append(Tables.time(c.getUpdatedAtMs())).append(')');
    }
    return out.toString();
  }

  /** {@code audit} or {@code enforce}, as people type it. */
  static String mode(Mode mode) {
    return mode == Mode.AUDIT ? "audit" : "enforce";
  }

  private static String orDash(String text) {
    return text.isEmpty() ? "-" : text;
  }
}
