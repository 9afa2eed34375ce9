package dev.stead.master.web;

import dev.stead.wire.Catalogs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** HTML escaping, the small pieces every page shares, and the page frame. */
final class Html {
  /** A content digest or code version: long hex, optionally named by its algorithm. */
  private static final Pattern DIGEST = Pattern.compile("(?:sha(?:1|256|512):)?[0-9a-f]{32,}");
  /** Hex digits kept in a shortened digest: enough to tell two apart by eye. */

  private Html() {}

  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String url(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /**
   * A value from a report, escaped; a digest is shortened to its first hex digits, with the
   * full value in the title (shown on hover) and copied by a click ({@code dashboard.js}).
   */
  static String value(String text) {
    if (!DIGEST.matcher(text).matches()) {
      return esc(text);
    }
    String shown = Catalogs.shortDigest(text);
    return "<code class=\"digest\" title=\"" + esc(text) + "\" data-full=\"" + esc(text) + "\">"
        + esc(shown) + "</code>";
  }

  /** A link to a report's page, labelled with its id. */
  static String reportLink(String id) {
    return id.isEmpty() ? "-" : "<a class=\"report-link\" href=\"/report?id=" + url(id) + "\">"
        + esc(id) + "</a>";
  }

  static String nodeLink(String name) {
    return "<a href=\"/node?name=" + url(name) + "\">" + esc(name) + "</a>";
  }

  /** A time as ISO-8601 UTC to the second, or "-" for none. */
  static String time(long epochMs) {
    return epochMs == 0 ? "-"
        : Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS)
            .toString();
  }

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}"
      + "header{background:#1f3a5f;color:#fff;padding:10px 20px}"
      + "header a{color:#fff;margin-right:16px}"
      + "main{padding:16px 20px;max-width:1400px}"
      + "table{border-collapse:collapse;background:#fff;margin:8px 0 20px}"
      + "td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px;"
      + "vertical-align:top}"
      + ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}"
      + ".card{background:#fff;border:1px solid #ddd;padding:10px 16px;min-width:110px}"
      + ".card b{display:block;font-size:28px}"
      + "pre.diff{background:#fff;border:1px solid #ddd;padding:8px;font-size:13px;"
      + "white-space:pre-wrap;overflow-wrap:anywhere}"
      + ".drift{color:#b3261e;font-weight:bold}.intended{color:#1f6f3f}"
      + "code.digest{background:#eef1f5;padding:0 3px;border-radius:3px;cursor:copy}"
      + "code.digest.copied{background:#d7f0dd}"
      // Long values wrap inside fixed columns: the history never needs sideways scrolling.
      + "table.wide{table-layout:fixed;width:100%}"
      + "table.wide td{overflow-wrap:anywhere;word-break:break-word}"
      + "#drift-history col.time{width:12em}#drift-history col.resource{width:22%}"
      + "#drift-history col.property{width:9em}#drift-history col.report{width:14em}"
      + "#facts col.path{width:35%}#facts td.path{font-family:monospace}"
      + "#facts-search{font-size:15px;padding:4px 8px;width:24em}"
      + ".status-failed,.status-stale{color:#b3261e;font-weight:bold}"
      + ".status-changed{color:#1f5fbf}.muted{color:#666}"
      + ".status-pending{color:#8a5a00;font-weight:bold}.status-excepted{color:#5b3a9b;"
      + "font-weight:bold}"
      + "#review col.node{width:8em}#review col.resource{width:17%}#review col.property{width:6em}"
      + "#review col.state{width:12em}#review col.time{width:11.5em}#review col.report{width:12em}"
      + "#review tr.decide td{background:#fafbfc;border-top:none}"
      + "#review tr.item td{border-bottom:none}"
      + "form.except-form label,form.accept-form label{margin-right:10px;white-space:nowrap}"
      + "form.except-form,form.lift-form,form.accept-form{margin:2px 0}"
      + "p.accept{margin:4px 0 2px;font-size:13px}"
      + "#exceptions col.id{width:10em}#exceptions col.node{width:8em}"
      + "#exceptions col.resource{width:17%}#exceptions col.property{width:6em}"
      + "#exceptions col.time{width:11.5em}#exceptions col.owner{width:8em}"
      + "#exceptions col.lift{width:5em}";

  /** A page of the signed-in dashboard, with {@code /dashboard.js}, its one script. */
  static String page(String title, String body) {
    return frame(title, body, "<script src=\"" + Dashboard.SCRIPT + "\"></script>");
  }

  /** A page without script: the login, which the script (behind the login) cannot serve. */
  static String plainPage(String title, String body) {
    return frame(title, body, "");
  }

  private static String frame(String title, String body, String script) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width\">"
        + "<title>" + esc(title) + " · Stead</title><style>" + STYLE + "</style></head><body>"
        + "<header><a href=\"/\">Stead fleet</a><a href=\"/review\">drift review</a>"
        + "<a href=\"/preview\">preview</a>"
        + "<a href=\"/logout\">log out</a></header>"
        + "<main>" + body + "</main>" + script + "</body></html>";
  }

  /** The status of a run or node in words, with a class that colours the bad ones. */
  static String status(String words) {
    String kind = words.startsWith("stale") ? "stale" : words.replace(' ', '-');
    return "<span class=\"status status-" + esc(kind) + "\">" + esc(words) + "</span>";
  }
}
