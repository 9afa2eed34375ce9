package dev.stead.master.web;

import dev.stead.master.preview.PreviewRuns;
import dev.stead.proto.v1.CommonChange;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.PreviewSummary;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.ResourceDiff;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fleet-wide preview as HTML: a form that starts one for an environment (its nodes against
 * the code it serves now, as {@code stead preview --environment NAME}), and the latest run,
 * while it runs (the page reloads itself every 2 seconds, without script) and once it ended:
 * the summary, the most common changes, and each node that changes or fails with its resource
 * and property diffs. Immutable values in, escaped markup out.
 *
 * @param latest the latest run, if any
 * @param environments the environments offered in the form
 * @param tokenField the hidden token field of the caller's forms
 * @param error why the last start was refused; empty when it was not
 */
record PreviewPage(Optional<PreviewRuns.Run> latest, List<String> environments,
    String tokenField, String error) {
  static final String PATH = "/preview";
  static final String RUN = "/preview/run";

  String html() {
    StringBuilder body = new StringBuilder("<h1>Preview</h1><p class=\"muted\">What the code an"
        + " environment serves now would change on each of its nodes at their next run: every"
        + " node of the environment compiled with its last stored facts and compared with the"
        + " catalog it runs now, as <code>stead preview --environment NAME</code>. Nothing is"
        + " served or stored.</p>");
    if (!error.isEmpty()) {
      body.append("<p id=\"preview-error\" class=\"drift\">No preview was started: ")
          .append(Html.esc(error)).append("</p>");
    }
    body.append("<form id=\"preview-form\" method=\"post\" action=\"").append(RUN).append("\">")
        .append(tokenField).append("<label>Environment <select name=\"environment\">");
    for (String environment : environments) {
      body.append("<option>").append(Html.esc(environment)).append("</option>");
    }
    body.append("</select></label> <button id=\"preview-start\" type=\"submit\">Preview"
        + "</button></form>");
    if (latest.isEmpty()) {
      body.append("<p id=\"preview-none\">No preview has run on this master since it started."
          + "</p>");
      return Html.page("Preview", body.toString());
    }
    PreviewRuns.Run run = latest.get();
    body.append("<h2>Latest: ").append(Html.esc(run.what())).append("</h2><p>Started ")
        .append(Html.time(run.startedAtMs())).append(" by ").append(Html.esc(run.startedBy()))
        .append(": <b id=\"preview-state\">").append(switch (run.state()) {
          case RUNNING -> "running, " + run.previewed() + " nodes so far";
          case DONE -> "done";
          case FAILED -> "failed: " + Html.esc(run.error());
        }).append("</b></p>");
    run.summary().ifPresent(s -> body.append(summary(s)));
    if (!run.shown().isEmpty()) {
      body.append("<h2>Nodes that change or fail</h2>");
      if (run.shown().size() >= PreviewRuns.SHOWN) {
        body.append("<p class=\"muted\">The first ").append(PreviewRuns.SHOWN)
            .append(" are shown; <code>stead preview --environment NAME --json</code> lists"
                + " them all.</p>");
      }
      for (NodePreview node : run.shown()) {
        body.append(node(node));
      }
    } else if (run.summary().isPresent()) {
      body.append("<p id=\"preview-nothing\">No node changes or fails.</p>");
    }
    String page = Html.page("Preview", body.toString());
    // While it runs the page reloads itself: a meta refresh is markup, not script.
    return run.state() == PreviewRuns.State.RUNNING
        ? page.replace("<head>", "<head><meta http-equiv=\"refresh\" content=\"2\">") : page;
  }

  private static String summary(PreviewSummary s) {
    StringBuilder out = new StringBuilder("<table id=\"preview-summary\"><tr><th>nodes</th>"
        + "<th>change</th><th>unchanged</th><th>fail to compile</th><th>without facts</th>"
        + "<th>took</th></tr><tr><td>").append(s.getNodes()).append("</td><td>")
        .append(s.getChanged()).append("</td><td>").append(s.getUnchanged()).append("</td><td>")
        .append(s.getFailed()).append("</td><td>").append(s.getNoFacts()).append("</td><td>")
        .append(String.format(Locale.ROOT, "%.1f s", s.getElapsedMs() / 1000.0))
        .append("</td></tr></table><p class=\"muted\">Code compiled: <code>")
        .append(Html.esc(s.getCodeDirectory())).append("</code></p>");
    if (s.getCommonChangesCount() > 0) {
      out.append("<h3>Most common changes</h3><table id=\"preview-common\"><tr><th>change</th>"
          + "<th>nodes</th></tr>");
      for (CommonChange c : s.getCommonChangesList()) {
        out.append("<tr><td>").append(Html.esc(c.getChange())).append("</td><td>")
            .append(c.getNodes()).append("</td></tr>");
      }
      out.append("</table>");
    }
    return out.toString();
  }

  private static String node(NodePreview node) {
    StringBuilder out = new StringBuilder("<div class=\"preview-node\" data-node=\"")
        .append(Html.esc(node.getNode())).append("\"><h3>").append(Html.nodeLink(node.getNode()))
        .append(": ");
    switch (node.getOutcome()) {
      case PREVIEW_CHANGED -> {
        out.append(node.getResourcesCount()).append(node.getResourcesCount() == 1
            ? " resource changes" : " resources change")
            .append(node.getNoCurrentCatalog() ? " (no catalog served yet)" : "")
            .append("</h3><table class=\"wide\"><tr><th>change</th><th>resource</th>"
                + "<th>declared at</th><th>properties</th></tr>");
        for (ResourceDiff r : node.getResourcesList()) {
          out.append(resource(r));
        }
        out.append("</table>");
      }
      case PREVIEW_FAILED -> {
        out.append("<span class=\"status-failed\">does not compile</span></h3><ul>");
        for (CompileError e : node.getErrorsList()) {
          String at = e.getLocation().getFile().isEmpty() ? ""
              : e.getLocation().getFile() + (e.getLocation().getLine() > 0
                  ? ":" + e.getLocation().getLine() : "") + ": ";
          out.append("<li><code>").append(Html.esc(at)).append("</code>")
              .append(Html.esc(e.getMessage())).append("</li>");
        }
        out.append("</ul>");
      }
      default -> out.append("no stored facts; not compiled</h3>");
    }
    return out.append("</div>").toString();
  }

  private static String resource(ResourceDiff r) {
    String kind = switch (r.getKind()) {
      case RESOURCE_ADDED -> "added";
      case RESOURCE_REMOVED -> "removed";
      default -> "modified";
    };
    StringBuilder out = new StringBuilder("<tr><td>").append(kind).append("</td><td>")
        .append(Html.esc(r.getResource())).append("</td><td>")
        .append(r.getSource().getFile().isEmpty() ? "" : Html.esc(r.getSource().getFile() + ":"
            + r.getSource().getLine())).append("</td><td>");
    for (PropertyDiff p : r.getPropertiesList()) {
      out.append("<div><b>").append(Html.esc(p.getProperty())).append("</b>");
      if (!p.getDiff().isEmpty()) {
        out.append("<pre class=\"diff\">").append(Html.esc(p.getDiff())).append("</pre>");
      } else {
        out.append(": ").append(Html.value(shown(p.getBefore()))).append(" &rarr; ")
            .append(Html.value(shown(p.getAfter())));
      }
      out.append("</div>");
    }
    return out.append("</td></tr>").toString();
  }

  private static String shown(String value) {
    return value.isEmpty() ? "(unset)" : value;
  }
}
