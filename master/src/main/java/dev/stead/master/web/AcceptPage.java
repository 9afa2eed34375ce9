package dev.stead.master.web;

import dev.stead.proto.v1.AcceptDriftResponse;
import java.nio.charset.StandardCharsets;

/**
 * The answer to an accept made on the dashboard, as HTML: what was accepted, and the code
 * change that makes it intended (a patch of the data file, or a snippet naming where the
 * resource is declared), escaped in a {@code <pre>} to copy or download. The change exists
 * only on this page and in the audit row: the master never writes the code. Immutable.
 *
 * @param accepted the master's answer, as {@code stead drift accept --json} prints it
 * @param back where the operator came from: empty for the review page, else a node's name
 */
record AcceptPage(AcceptDriftResponse accepted, String back) {

  String html() {
    AcceptDriftResponse a = accepted;
    boolean patch = !a.getPatch().isEmpty();
    String change = patch ? a.getPatch() : a.getSnippet();
    StringBuilder body = new StringBuilder("<h1>Accepted</h1><p id=\"accept-done\" "
        + "class=\"intended\">Accepted ")
        .append(Html.esc(a.getNode())).append(" ").append(Html.esc(a.getResource())).append(" ")
        .append(Html.esc(a.getProperty())).append(": the node's value ")
        .append(Html.value(a.getValue())).append(" (the code asks for ")
        .append(Html.value(a.getDesired())).append(", report ")
        .append(Html.reportLink(a.getReportId())).append(") is the right one.</p>");
    if (patch) {
      body.append("<p>The value comes from data key <code>").append(Html.esc(a.getDataKey()))
          .append("</code> in <code>").append(Html.esc(a.getDataFile())).append(':')
          .append(a.getDataLine()).append("</code>. Save this patch and apply it in the code "
              + "directory with <code>git apply</code>, then commit and deploy the code as "
              + "usual:</p>");
    } else {
      body.append("<p>Write this into the code where it says (the resource is declared at "
          + "<code>").append(Html.esc(a.getDeclaredAt().getFile())).append(':')
          .append(a.getDeclaredAt().getLine()).append("</code>), then deploy the code:</p>");
    }
    body.append("<pre id=\"accept-change\" class=\"diff\">").append(Html.esc(change))
        .append("</pre><p><a id=\"accept-download\" download=\"").append(fileName(patch))
        .append("\" href=\"data:text/plain;charset=utf-8,")
        .append(Html.esc(dataUrlText(change))).append("\">Download ")
        .append(patch ? "patch" : "snippet").append("</a> <button type=\"button\" "
            + "class=\"copy\" data-copy=\"accept-change\">Copy</button></p>"
            + "<p class=\"muted\">The master never writes the code it serves: nothing changes "
            + "until you apply this where the code is kept and deploy it. Until then the "
            + "node's enforcing runs still repair the property to the code's value; after "
            + "the deploy its next run finds it in sync. The decision is recorded in "
            + "<code>stead audit</code> as <code>accept</code> by <b>")
        .append(Html.esc(a.getDecidedBy())).append("</b>.</p><p>")
        .append(back.isEmpty() ? "<a href=\"/review\">Back to the drift review</a>"
            : "<a href=\"/node?name=" + Html.url(back) + "#review-heading\">Back to "
                + Html.esc(back) + "</a>")
        .append("</p>");
    return Html.page("Accepted", body.toString());
  }

  /** A download name made of the node and property, safe in any file system. */
  private String fileName(boolean patch) {
    String base = ("accept-" + accepted.getNode() + "-" + accepted.getProperty())
        .replaceAll("[^A-Za-z0-9._-]", "_");
    return Html.esc(base + (patch ? ".patch" : ".txt"));
  }

  /** Percent-encodes all but the unreserved characters, so the text survives as a data URL. */
  private static String dataUrlText(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
