package dev.stead.agent.secrets;

import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Result;
import dev.stead.wire.SecretBlob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes secrets out of a resource's result before the engine sees it. A secret property's
 * desired value becomes its reference ({@code [secret <key id>:<keyed hash>]}), which the
 * drift state records, so a changed secret is an intended change and a tampered file is
 * drift; its change shows {@code [secret]} before, the reference after, and no diff. Any other
 * text that contains a plaintext (a message, a diff) has it replaced with {@code [secret]}.
 * Immutable.
 */
public final class Redaction {
  private static final String PREFIX = "[secret";

  /** Property name → reference shown for it. */
  private final Map<String, String> secretProperties;
  private final List<String> plaintexts;

  Redaction(Map<String, String> secretProperties, List<byte[]> plaintexts) {
    this.secretProperties = Map.copyOf(secretProperties);
    List<String> texts = new ArrayList<>();
    for (byte[] p : plaintexts) {
      String text = new String(p, StandardCharsets.UTF_8);
      if (!text.isBlank()) {
        texts.add(text);
      }
    }
    this.plaintexts = List.copyOf(texts);
  }

  /** True when a rendered value is a redaction: the event is then marked sensitive. */
  public static boolean isSecret(String rendered) {
    return rendered.startsWith(PREFIX);
  }

  public Result apply(Result result) {
    Map<String, String> desired = new LinkedHashMap<>(result.desired());
    secretProperties.forEach((property, ref) -> {
      if (desired.containsKey(property)) {
        desired.put(property, ref);
      }
    });
    List<Change> changes = new ArrayList<>();
    for (Change c : result.changes()) {
      String ref = secretProperties.get(c.property());
      if (ref != null) {
        changes.add(new Change(c.property(), SecretBlob.REDACTED, ref, c.outcome(), "",
            scrub(c.message())));
      } else {
        changes.add(new Change(c.property(), scrub(c.before()), scrub(c.after()), c.outcome(),
            scrub(c.diff()), scrub(c.message())));
      }
    }
    return new Result(result.status(), desired, changes, scrub(result.message()));
  }

  /** {@code text} with every plaintext replaced by {@code [secret]}. */
  String scrubMessage(String text) {
    return scrub(text);
  }

  private String scrub(String text) {
    String out = text;
    for (String p : plaintexts) {
      out = out.replace(p, SecretBlob.REDACTED);
    }
    return out;
  }
}
