package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.preview.PreviewClient;
import dev.stead.proto.v1.CommonChange;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewSummary;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.ResourceDiff;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Catalogs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "preview", description = {
    "Show what new code would change on every node before it goes live: the master compiles"
        + " each known node with its last stored facts against DIR and compares with the"
        + " catalog the node runs now. Facts never leave the master; nothing is served.",
    "With --environment NAME only that environment's nodes are previewed, against DIR or,"
        + " without --code, against the code the environment serves now.",
    "Exit 0 when every node compiles, 1 when any node fails to compile."})
final class PreviewCommand implements Callable<Integer> {
  @Mixin AdminOptions admin;

  @Option(names = "--code", paramLabel = "DIR", description = "The new code"
      + " (site.groovy, modules/, data/): a directory on the master's machine.")
  Path code;

  @Option(names = "--environment", paramLabel = "NAME", description = "Only the nodes the"
      + " master assigns this environment (e.g. staging).")
  String environment = "";

  @Option(names = "--nodes", paramLabel = "GLOB", description = "Only nodes matching this"
      + " name or glob, e.g. 'web*' (default: every node).")
  String nodes = "";

  @Option(names = "--json", description = "Print one JSON object per line: each node's"
      + " preview ({\"node\": ...}), then the summary ({\"summary\": ...}).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (code == null && environment.isEmpty()) {
      throw new ParameterException(new CommandLine(this),
          "give --code DIR, --environment NAME, or both");
    }
    PreviewRequest request = PreviewRequest.newBuilder()
        .setCodeDirectory(code == null ? "" : code.toAbsolutePath().normalize().toString())
        .setEnvironment(environment).setNodeGlob(nodes).build();
    PrintStream out = System.out;
    try (AdminClient client = admin.connect()) {
      PreviewSummary summary = new PreviewClient(client).preview(request, event -> {
        if (json) {
          out.println(Catalogs.toJsonLine(event));
        } else if (event.hasNode()) {
          print(event.getNode(), out);
        }
        out.flush();
      });
      if (!json) {
        print(summary, out);
      }
      return summary.getFailed() == 0 ? 0 : 1;
    }
  }

  /** A node that changes, fails or has no facts; unchanged nodes only count in the summary. */
  static void print(NodePreview node, PrintStream out) {
    switch (node.getOutcome()) {
      case PREVIEW_CHANGED -> {
        out.println(node.getNode() + ": " + node.getResourcesCount() + " resource"
            + (node.getResourcesCount() == 1 ? "" : "s") + " change"
            + (node.getNoCurrentCatalog() ? " (no catalog served yet)" : ""));
        for (ResourceDiff r : node.getResourcesList()) {
          print(r, out);
        }
      }
      case PREVIEW_FAILED -> {
        out.println(node.getNode() + ": does not compile");
        for (CompileError e : node.getErrorsList()) {
          out.println("  " + where(e.getLocation()) + e.getMessage());
        }
      }
      case PREVIEW_NO_FACTS -> out.println(node.getNode() + ": no stored facts; not compiled");
      default -> { }
    }
  }

  private static void print(ResourceDiff r, PrintStream out) {
    String mark = switch (r.getKind()) {
      case RESOURCE_ADDED -> "+";
      case RESOURCE_REMOVED -> "-";
      default -> "~";
    };
    String at = r.hasSource() && !r.getSource().getFile().isEmpty()
        ? "  (" + r.getSource().getFile() + ":" + r.getSource().getLine() + ")" : "";
    out.println("  " + mark + " " + r.getResource() + at);
    for (PropertyDiff p : r.getPropertiesList()) {
      if (!p.getDiff().isEmpty()) {
        out.println("      " + p.getProperty() + ":");
        p.getDiff().lines().forEach(line -> out.println("        " + line));
      } else {
        out.println("      " + p.getProperty() + ": " + shown(p.getBefore()) + " -> "
            + shown(p.getAfter()));
      }
    }
  }

  private static String shown(String value) {
    return value.isEmpty() ? "(unset)" : value;
  }

  private static String where(SourceLocation at) {
    if (at.getFile().isEmpty()) {
      return "";
    }
    return at.getFile() + (at.getLine() > 0 ? ":" + at.getLine() : "") + ": ";
  }

  static void print(PreviewSummary s, PrintStream out) {
    String what = s.getEnvironment().isEmpty() ? s.getCodeDirectory()
        : s.getEnvironment() + " (" + s.getCodeDirectory() + ")";
    out.println(String.format(Locale.ROOT, "preview of %s: %d node%s, %d change, %d unchanged,"
        + " %d fail to compile, %d without facts (%.1f s)", what, s.getNodes(),
        s.getNodes() == 1 ? "" : "s", s.getChanged(), s.getUnchanged(), s.getFailed(),
        s.getNoFacts(), s.getElapsedMs() / 1000.0));
    if (s.getCommonChangesCount() > 0) {
      out.println("most common changes:");
      for (CommonChange c : s.getCommonChangesList()) {
        out.println("  " + c.getChange() + ": " + c.getNodes() + " node"
            + (c.getNodes() == 1 ? "" : "s"));
      }
    }
  }
}
