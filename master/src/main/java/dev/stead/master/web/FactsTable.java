package dev.stead.master.web;

import dev.stead.master.fleet.Redactor;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Value;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's facts as rows of dotted paths and values ({@code os.release.full = 12.5}), the
 * names an operator writes in code and in {@code stead lookup}; list items are numbered
 * ({@code networking.ips.0}). A value whose name says it is a credential is redacted, and a
 * secret reference is never shown.
 */
final class FactsTable {
  private FactsTable() {}

  /** Every leaf of {@code facts}, sorted by path. */
  static Map<String, String> rows(Facts facts) {
    Map<String, String> rows = new TreeMap<>();
    facts.getValuesMap().forEach((name, value) -> flatten(name, value, rows));
    return rows;
  }

  private static void flatten(String path, Value value, Map<String, String> rows) {
    switch (value.getKindCase()) {
      case MAP_VALUE -> {
        if (value.getMapValue().getEntriesCount() == 0) {
          rows.put(path, "{}");
        }
        value.getMapValue().getEntriesMap()
            .forEach((key, child) -> flatten(path + "." + key, child, rows));
      }
      case LIST_VALUE -> {
        if (value.getListValue().getValuesCount() == 0) {
          rows.put(path, "[]");
        }
        for (int i = 0; i < value.getListValue().getValuesCount(); i++) {
          flatten(path + "." + i, value.getListValue().getValues(i), rows);
        }
      }
      case STRING_VALUE -> rows.put(path, redacted(path, value.getStringValue()));
      case INT_VALUE -> rows.put(path, Long.toString(value.getIntValue()));
      case DOUBLE_VALUE -> rows.put(path, Double.toString(value.getDoubleValue()));
      case BOOL_VALUE -> rows.put(path, Boolean.toString(value.getBoolValue()));
      case SECRET_VALUE -> rows.put(path, Redactor.MARK);
      default -> rows.put(path, "");
    }
  }

  /** The value, or the redaction mark when its name is that of a credential. */
  private static String redacted(String path, String value) {
    String name = path.substring(path.lastIndexOf('.') + 1);
    String assignment = name + "=" + value;
    return Redactor.text(assignment).equals(assignment) ? Redactor.text(value) : Redactor.MARK;
  }

  /** The searchable table: a search box ({@code dashboard.js} filters) over the rows. */
  static String html(Facts facts) {
    Map<String, String> rows = rows(facts);
    if (rows.isEmpty()) {
      return "<p class=\"muted\">This node has sent no facts yet.</p>";
    }
    StringBuilder out = new StringBuilder("<p><label>Search facts <input id=\"facts-search\" "
        + "type=\"search\" placeholder=\"os.release or 10.0.\" autocomplete=\"off\"></label> "
        + "<span id=\"facts-count\" class=\"muted\">").append(rows.size())
        .append(" facts</span></p><table id=\"facts\" class=\"wide\"><colgroup>"
            + "<col class=\"path\"><col></colgroup><thead><tr><th>fact</th><th>value</th>"
            + "</tr></thead><tbody>");
    rows.forEach((path, value) -> out.append("<tr><td class=\"path\">").append(Html.esc(path))
        .append("</td><td>").append(Html.value(value)).append("</td></tr>"));
    return out.append("</tbody></table>").toString();
  }
}
