package dev.stead.master.web;

import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.DriftReviewItem;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The drift review as HTML: each drifted property awaiting a decision (what
 * {@code stead drift review --all} lists), with the decisions the dashboard offers on it, and
 * the exceptions in force. Excepting, lifting and accepting post forms carrying the caller's
 * {@linkplain FormGuard form token}; each item also shows the command line's accept, to
 * copy. Immutable values in, escaped markup out.
 *
 * @param items the drift awaiting a decision, excepted drift included
 * @param active the exceptions in force (of the nodes shown)
 * @param tokenField the hidden token field of the caller's forms
 * @param owner the default owner offered in the except form: the caller's login
 * @param back where a decision returns to: empty for the review page, else a node's name
 */
record ReviewPage(List<DriftReviewItem> items, List<DriftException> active, String tokenField,
    String owner, String back) {
  static final String EXCEPT = "/review/except";
  static final String LIFT = "/review/lift";
  static final String ACCEPT = "/review/accept";

  /** The review table: one row per item and, below it, the decision on it. */
  String reviewTable() {
    if (items.isEmpty()) {
      return "<p id=\"review-empty\">No drift awaits a decision: every node's newest run left"
          + " nothing out of sync.</p>";
    }
    StringBuilder out = new StringBuilder("<table id=\"review\" class=\"wide\"><colgroup>"
        + "<col class=\"node\"><col class=\"resource\"><col class=\"property\">"
        + "<col class=\"state\"><col class=\"time\"><col><col><col class=\"report\"></colgroup>"
        + "<tr><th>node</th><th>resource</th><th>property</th><th>state</th><th>since</th>"
        + "<th>observed</th><th>desired</th><th>report</th></tr>");
    for (DriftReviewItem item : items) {
      Optional<DriftException> exception = exceptionFor(item);
      out.append("<tr class=\"item\" data-node=\"").append(Html.esc(item.getNode()))
          .append("\" data-resource=\"").append(Html.esc(item.getResource()))
          .append("\" data-property=\"").append(Html.esc(item.getProperty())).append("\"><td>")
          .append(Html.nodeLink(item.getNode())).append("</td><td>")
          .append(Html.esc(item.getResource())).append("</td><td>")
          .append(Html.esc(item.getProperty())).append("</td><td class=\"state\">")
          .append(state(item, exception)).append("</td><td>")
          .append(Html.time(item.getFirstSeenMs())).append("</td><td>")
          .append(Html.value(item.getBefore())).append("</td><td>")
          .append(Html.value(item.getAfter())).append("</td><td>")
          .append(Html.reportLink(item.getReportId())).append("</td></tr>")
          .append("<tr class=\"decide\"><td colspan=\"8\">");
      if (exception.isPresent()) {
        out.append(liftForm(exception.get(), "Lift " + exception.get().getId()));
      } else {
        out.append(exceptForm(item));
      }
      out.append(acceptForm(item)).append("<p class=\"accept muted\">On the command line: "
          + "<code class=\"command\">").append(Html.esc(acceptCommand(item)))
          .append("</code></p></td></tr>");
    }
    return out.append("</table>").toString();
  }

  /** The exceptions in force, each with its lift form. */
  String exceptionsTable() {
    if (active.isEmpty()) {
      return "<p id=\"exceptions-empty\">No drift exception is in force.</p>";
    }
    StringBuilder out = new StringBuilder("<table id=\"exceptions\" class=\"wide\"><colgroup>"
        + "<col class=\"id\"><col class=\"node\"><col class=\"resource\"><col class=\"property\">"
        + "<col class=\"time\"><col class=\"owner\"><col><col class=\"lift\"></colgroup>"
        + "<tr><th>id</th><th>node</th><th>resource</th><th>property</th><th>until</th>"
        + "<th>owner</th><th>reason (decided by)</th><th></th></tr>");
    for (DriftException e : active) {
      out.append("<tr data-id=\"").append(Html.esc(e.getId())).append("\"><td>")
          .append(Html.esc(e.getId())).append("</td><td>").append(Html.nodeLink(e.getNode()))
          .append("</td><td>").append(Html.esc(e.getResource())).append("</td><td>")
          .append(Html.esc(e.getProperty())).append("</td><td>")
          .append(Html.time(e.getExpiresAtMs())).append("</td><td>")
          .append(Html.esc(e.getOwner())).append("</td><td>").append(Html.esc(e.getReason()))
          .append(" <span class=\"muted\">(").append(Html.esc(e.getDecidedBy()))
          .append(")</span></td><td>").append(liftForm(e, "Lift")).append("</td></tr>");
    }
    return out.append("</table>").toString();
  }

  /** The exception in force on the item's property, the longest-running when several are. */
  private Optional<DriftException> exceptionFor(DriftReviewItem item) {
    return active.stream()
        .filter(e -> e.getNode().equals(item.getNode())
            && e.getResource().equals(item.getResource())
            && e.getProperty().equals(item.getProperty()))
        .max(Comparator.comparingLong(DriftException::getExpiresAtMs));
  }

  private static String state(DriftReviewItem item, Optional<DriftException> exception) {
    if (exception.isPresent()) {
      DriftException e = exception.get();
      // Granted after the newest run: the node holds it back from its next run on.
      String when = item.getState().equals("excepted") ? ""
          : ", from the node's next run";
      return "<span class=\"status status-excepted\">excepted</span> until<br>"
          + Html.time(e.getExpiresAtMs()) + "<br><span class=\"muted\">" + Html.esc(e.getId())
          + when + "</span>";
    }
    if (item.getState().equals("excepted")) {
      // The run held it back, but the exception has ended since: enforced from the next run.
      return "<span class=\"status\">exception ended</span><br><span class=\"muted\">"
          + "enforced from the node's next run</span>";
    }
    return Html.status(item.getState());
  }

  private String exceptForm(DriftReviewItem item) {
    return "<form class=\"except-form\" method=\"post\" action=\"" + EXCEPT + "\">" + tokenField
        + hidden("node", item.getNode()) + hidden("resource", item.getResource())
        + hidden("property", item.getProperty()) + hidden("back", back)
        + "<label>Reason <input name=\"reason\" required maxlength=\"2000\" size=\"36\" "
        + "placeholder=\"a ticket and its cause\"></label> "
        + "<label>Owner <input name=\"owner\" required maxlength=\"200\" size=\"12\" value=\""
        + Html.esc(owner) + "\"></label> "
        + "<label>Until <input name=\"expires\" required size=\"20\" value=\"7d\" "
        + "title=\"a duration from now (12h, 7d; at most a year) or an ISO-8601 time\"></label> "
        + "<button type=\"submit\">Except</button></form>";
  }

  private String acceptForm(DriftReviewItem item) {
    return "<form class=\"accept-form\" method=\"post\" action=\"" + ACCEPT + "\">" + tokenField
        + hidden("node", item.getNode()) + hidden("resource", item.getResource())
        + hidden("property", item.getProperty()) + hidden("back", back)
        + "<label>Reason to accept <input name=\"reason\" maxlength=\"2000\" size=\"29\" "
        + "placeholder=\"optional: why the node's value is right\"></label> "
        + "<button type=\"submit\" title=\"the observed value is right: show the code change "
        + "that makes it intended (the master does not write the code)\">Accept</button>"
        + "</form>";
  }

  private String liftForm(DriftException e, String label) {
    return "<form class=\"lift-form\" method=\"post\" action=\"" + LIFT + "\">" + tokenField
        + hidden("id", e.getId()) + hidden("back", back)
        + "<button type=\"submit\" title=\"end " + Html.esc(e.getId()) + " now: the node "
        + "enforces the property again from its next run\">" + Html.esc(label)
        + "</button></form>";
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Html.esc(value) + "\">";
  }

  /** The command that accepts the item, quoted for a POSIX shell. */
  static String acceptCommand(DriftReviewItem item) {
    return "stead drift accept --node " + shellWord(item.getNode()) + " --resource "
        + shellWord(item.getResource()) + " --property " + shellWord(item.getProperty());
  }

  private static String shellWord(String word) {
    return word.matches("[A-Za-z0-9._/=:@%+,-]+") ? word
        : "'" + word.replace("'", "'\\''") + "'";
  }
}
