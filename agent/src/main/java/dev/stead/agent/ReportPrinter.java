package dev.stead.agent;

import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.TagLimit;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints a report for people: the compile's warnings and notices, one line per event, failed
 * and skipped resource, and refresh, then one summary line:
 *
 * <pre>
 * warning: modules/app/manifests/init.groovy:4: the old API is going away
 * notice: hello
 * intended: file[/etc/motd] content sha256:ab12ab12ab12… → sha256:cd34cd34cd34… (applied)
 * drift: file[/etc/app.conf] mode 0600 → 0644 (repaired)
 * failed: file[/x]: parent directory /nope does not exist (it is not managed here)
 * skipped: file[/x/y]: dependency file[/x] failed
 * note: file[/d/f]: noop: file[/d] would change first; this result is checked against …
 * run: 5 resources, 2 changed, 1 failed, 1 skipped; properties: 1 drift, 1 intended; 0.12 s (catalog sha256:1234abcd5678…, code 3f2a…)
 * </pre>
 *
 * In noop the outcomes read {@code (would apply)} and {@code (would repair)} and the summary
 * starts {@code run (noop):} ({@code run (audit):} for a node the operator audits) and counts
 * what would change. Checksums are cut to 12 hex digits.
 */
public final class ReportPrinter {
  private static final int HEX_SHOWN = 12;

  private ReportPrinter() {}

  public static void print(Report report, PrintStream out) {
    for (String message : report.getCompileMessagesList()) {
      out.println(message);
    }
    for (ResourceResult r : report.getResourcesList()) {
      for (Event e : r.getEventsList()) {
        if (e.getStatus() != EventStatus.FAILURE) {
          out.println(eventLine(r.getKey(), e));
        }
      }
      if (r.getStatus() == ResourceStatus.FAILED) {
        out.println("failed: " + r.getKey() + ": " + r.getMessage());
      } else if (r.getStatus() == ResourceStatus.SKIPPED) {
        out.println("skipped: " + r.getKey() + ": " + r.getMessage());
      } else if (!r.getMessage().isEmpty()) {
        out.println("note: " + r.getKey() + ": " + r.getMessage());
      }
      if (r.getRefreshed()) {
        out.println("refreshed: " + r.getKey());
      }
    }
    if (!report.getError().isEmpty()) {
      out.println("run failed: " + report.getError());
    }
    if (report.hasTagLimit()) {
      out.println("limited to tags: " + tagLimit(report.getTagLimit())
          + " (other resources were not checked)");
    }
    out.println(summaryLine(report));
  }

  /** {@code web, db; skipping slow}. */
  private static String tagLimit(TagLimit limit) {
    String only = limit.getTagsCount() == 0 ? "all" : String.join(", ", limit.getTagsList());
    return limit.getSkipTagsCount() == 0 ? only
        : only + "; skipping " + String.join(", ", limit.getSkipTagsList());
  }

  /** {@code drift: file[/etc/motd] content sha256:ab12… → sha256:cd34… (repaired)}. */
  public static String eventLine(String key, Event e) {
    if (key.startsWith("notify[") && e.getProperty().equals("message")) {
      // A notify exists to print its message: the message itself, as Puppet prints it.
      return "notice: " + e.getAfter();
    }
    boolean drift = e.getKind() == ChangeKind.DRIFT;
    String outcome;
    if (e.getStatus() == EventStatus.NOOP) {
      outcome = drift ? "would repair" : "would apply";
    } else if (e.getStatus() == EventStatus.FAILURE) {
      outcome = "failed";
    } else if (e.getStatus() == EventStatus.EXCEPTED) {
      outcome = "excepted by " + e.getExceptionId() + ", not repaired";
    } else {
      outcome = drift ? "repaired" : "applied";
    }
    return (drift ? "drift: " : "intended: ") + key + " " + e.getProperty() + " "
        + abbreviate(e.getBefore()) + " → " + abbreviate(e.getAfter()) + " (" + outcome + ")";
  }

  public static String summaryLine(Report report) {
    ReportSummary s = report.getSummary();
    StringBuilder line = new StringBuilder(
        report.getMode() == Mode.AUDIT ? "run (audit): "
            : report.getNoop() ? "run (noop): " : "run: ");
    line.append(s.getResources()).append(" resources, ");
    if (report.getNoop()) {
      line.append(s.getOutOfSync()).append(" would change, ");
    } else {
      line.append(s.getChanged()).append(" changed, ");
    }
    // Resources and properties are different units: a changed file may hold two changed
    // properties, one drift and one intended.
    line.append(s.getFailed()).append(" failed, ")
        .append(s.getSkipped()).append(" skipped; properties: ")
        .append(s.getDriftEvents()).append(" drift, ")
        .append(s.getIntendedEvents()).append(" intended")
        .append(s.getExceptedEvents() > 0 ? ", " + s.getExceptedEvents() + " excepted" : "")
        .append("; ").append(String.format(Locale.ROOT, "%.2f", s.getSeconds())).append(" s");
    if (!report.getCatalogDigest().isEmpty() || !report.getCodeVersion().isEmpty()) {
      line.append(" (catalog ").append(abbreviate(report.getCatalogDigest()))
          .append(", code ").append(abbreviate(report.getCodeVersion())).append(')');
    }
    return line.toString();
  }

  /** {@code sha256:} plus 12 hex digits and an ellipsis; a bare git commit to 12 digits. */
  public static String abbreviate(String value) {
    if (value.startsWith("sha256:") && value.length() > 7 + HEX_SHOWN) {
      return value.substring(0, 7 + HEX_SHOWN) + "…";
    }
    if (value.length() == 40 && value.matches("[0-9a-f]+")) {
      return value.substring(0, HEX_SHOWN) + "…";
    }
    return value.isEmpty() ? "''" : value;
  }
}
