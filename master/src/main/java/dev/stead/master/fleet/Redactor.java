package dev.stead.master.fleet;

import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.wire.SecretBlob;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets before a report leaves the master for a person. An event marked sensitive
 * loses its values and diff, except where the agent already wrote a secret's mark
 * ({@code [secret]}, {@code [secret <key id>:<keyed hash>]}: a name, not the secret, which
 * tells a rotated secret from a tampered file); in any other event, the value of anything
 * that looks like a credential assignment ({@code password = x}, {@code api_key: x},
 * {@code token=x}, a PEM private key block) is replaced by {@value #MARK}, unless that value
 * is such a mark. Stateless.
 */
public final class Redactor {
  public static final String MARK = "[redacted]";
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "(?i)((?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?)"
          + "[\\w.-]*\"?\\s*[:=]\\s*)"
          // The agent's own mark for a secret, standing alone, is kept: it holds no secret.
          + "(?!" + SecretBlob.MARK_REGEX + "(?:[\\s,;]|$))"
          + "(\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s,;\\n]+)");
  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(-----END \\1PRIVATE KEY-----|\\z)",
      Pattern.DOTALL);

  private Redactor() {}

  /** {@code text} with credential values hidden. */
  public static String text(String text) {
    if (text.isEmpty()) {
      return text;
    }
    String out = PEM_KEY.matcher(text).replaceAll(Matcher.quoteReplacement(MARK));
    return ASSIGNMENT.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MARK));
  }

  public static Event event(Event event) {
    if (event.getSensitive()) {
      return event.toBuilder()
          .setBefore(hidden(event.getBefore()))
          .setAfter(hidden(event.getAfter()))
          .setDiff(hidden(event.getDiff()))
          .build();
    }
    return event.toBuilder()
        .setBefore(text(event.getBefore()))
        .setAfter(text(event.getAfter()))
        .setDiff(text(event.getDiff()))
        .setMessage(text(event.getMessage()))
        .build();
  }

  /** A sensitive value: the agent's mark for a secret stays, anything else is hidden. */
  private static String hidden(String value) {
    return value.isEmpty() || SecretBlob.isMark(value) ? value : MARK;
  }

  /** A copy of {@code report} with every event redacted. */
  public static Report report(Report report) {
    Report.Builder out = report.toBuilder().clearResources();
    for (ResourceResult resource : report.getResourcesList()) {
      ResourceResult.Builder r = resource.toBuilder().clearEvents();
      for (Event event : resource.getEventsList()) {
        r.addEvents(event(event));
      }
      out.addResources(r);
    }
    return out.setError(text(report.getError())).build();
  }
}
