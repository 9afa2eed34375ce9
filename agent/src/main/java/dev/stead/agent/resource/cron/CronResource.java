package dev.stead.agent.resource.cron;

import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One crontab entry: the line after {@code # stead: TITLE}. Properties {@code ensure}, the
 * five time fields and {@code command}; a changed entry is rewritten in place, a new one
 * appended, and the crontab is installed whole with {@code crontab -u USER -} (crontab itself
 * replaces its file atomically). Requires the user when managed.
 */
final class CronResource implements Checkable {
  static final String MARKER = "# stead: ";
  private static final int LIMIT = 2000;

  private final String title;
  private final String user;
  private final boolean present;
  private final Map<String, String> fields;
  private final String command;

  CronResource(String title, String user, boolean present, Map<String, String> fields,
      String command) {
    this.title = title;
    this.user = user;
    this.present = present;
    this.fields = Map.copyOf(fields);
    this.command = command;
  }

  private Map<String, String> desired() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : CronType.FIELDS) {
      out.put(f, fields.get(f));
    }
    out.put("command", command);
    return out;
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply).desire("ensure", present ? "present" : "absent");
    if (present) {
      desired().forEach(changes::desire);
    }
    StringBuilder error = new StringBuilder();
    List<String> lines = read(context, user, error);
    if (lines == null) {
      return changes.fail(error.toString());
    }
    int at = lines.indexOf(MARKER + title);
    List<String> out = new ArrayList<>(lines);
    if (!present) {
      if (at < 0) {
        return changes.result();
      }
      out.remove(at);
      if (at < out.size() && !out.get(at).startsWith("#")) {
        out.remove(at);
      }
      changes.record("ensure", "present", "absent");
    } else if (at < 0) {
      out.add(MARKER + title);
      out.add(entry());
      changes.record("ensure", "absent", "present");
      desired().forEach((k, v) -> changes.record(k, "absent", v));
    } else {
      boolean hasEntry = at + 1 < lines.size() && !lines.get(at + 1).startsWith("#")
          && !lines.get(at + 1).isBlank();
      Map<String, String> now = hasEntry ? parse(lines.get(at + 1)) : Map.of();
      desired().forEach((k, v) -> {
        String before = now.getOrDefault(k, "absent");
        if (!before.equals(v)) {
          changes.record(k, before, v);
        }
      });
      if (hasEntry) {
        out.set(at + 1, entry());
      } else {
        out.add(at + 1, entry());
      }
    }
    if (apply && !changes.isEmpty()) {
      StringBuilder text = new StringBuilder();
      out.forEach(l -> text.append(l).append('\n'));
      Command install = Command.of("crontab", "-u", user, "-").withStdin(text.toString());
      CommandResult w = context.host().run(install);
      if (!w.ok()) {
        return changes.fail("cannot install the crontab of " + user + ": "
            + w.describe(install, LIMIT));
      }
    }
    return changes.result();
  }

  /**
   * The lines of {@code user}'s crontab (none when the user has none), or null with the
   * failure in {@code error}.
   */
  static List<String> read(ApplyContext context, String user, StringBuilder error) {
    Command list = Command.of("crontab", "-l", "-u", user);
    CommandResult r = context.host().run(list);
    if (r.ok()) {
      List<String> lines = new ArrayList<>(List.of(r.stdout().split("\n", -1)));
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return lines;
    }
    if (r.exitCode() == 1 && r.stderr().contains("no crontab for")) {
      return new ArrayList<>();
    }
    error.append(r.describe(list, LIMIT));
    return null;
  }

  private String entry() {
    List<String> parts = new ArrayList<>();
    for (String f : CronType.FIELDS) {
      parts.add(fields.get(f));
    }
    parts.add(command);
    return String.join(" ", parts);
  }

  static Map<String, String> parse(String line) {
    String[] f = line.strip().split("\\s+", 6);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < CronType.FIELDS.size() && i < f.length; i++) {
      out.put(CronType.FIELDS.get(i), f[i]);
    }
    if (f.length == 6) {
      out.put("command", f[5]);
    }
    return out;
  }
}
