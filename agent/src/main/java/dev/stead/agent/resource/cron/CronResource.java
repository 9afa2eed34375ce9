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
import java.util.regex.Pattern;

/**
 * One crontab entry: the marker line {@code # stead: TITLE}, the entry's {@code NAME=value}
 * environment lines, then the entry. Properties {@code ensure}, the five time fields (or
 * {@code special}, the {@code @daily} form), {@code environment} and {@code command}; a
 * changed entry is rewritten in place with its environment lines, a new one appended, and the crontab is installed whole with {@code crontab -u USER -} (crontab itself
 * replaces its file atomically). Requires the user when managed.
 */
final class CronResource implements Checkable {
  static final String MARKER = "# stead: ";
  private static final Pattern VARIABLE =
      Pattern.compile("\\s*[A-Za-z_][A-Za-z0-9_]*\\s*=.*");
  private static final int LIMIT = 2000;

  private final String title;
  private final String user;
  private final boolean present;
  private final Map<String, String> fields;
  private final String special;
  private final String command;
  /** Null: the lines between marker and entry are left alone. */
  private final List<String> environment;

  CronResource(String title, String user, boolean present, Map<String, String> fields,
      String special, String command, List<String> environment) {
    this.title = title;
    this.user = user;
    this.present = present;
    this.fields = Map.copyOf(fields);
    this.special = special;
    this.command = command;
    this.environment = environment == null ? null : List.copyOf(environment);
  }

  private Map<String, String> desired() {
    Map<String, String> out = new LinkedHashMap<>();
    if (special != null) {
      out.put("special", special);
    } else {
      for (String f : CronType.FIELDS) {
        out.put(f, fields.get(f));
      }
    }
    if (environment != null) {
      out.put("environment", renderEnvironment(environment));
    }
    out.put("command", command);
    return out;
  }

  private static String renderEnvironment(List<String> lines) {
    return lines.isEmpty() ? "(none)" : String.join("; ", lines);
  }

  private static boolean isEnvironmentLine(String line) {
    return VARIABLE.matcher(line).matches();
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
      while (at < out.size() && isEnvironmentLine(out.get(at))) {
        out.remove(at);
      }
      if (at < out.size() && !out.get(at).startsWith("#") && !out.get(at).isBlank()) {
        out.remove(at);
      }
      changes.record("ensure", "present", "absent");
    } else if (at < 0) {
      out.add(MARKER + title);
      if (environment != null) {
        out.addAll(environment);
      }
      out.add(entry());
      changes.record("ensure", "absent", "present");
      desired().forEach((k, v) -> changes.record(k, "absent", v));
    } else {
      int next = at + 1;
      List<String> environmentNow = new ArrayList<>();
      List<String> environmentLines = new ArrayList<>();
      while (next < lines.size() && isEnvironmentLine(lines.get(next))) {
        environmentNow.add(lines.get(next).strip());
        environmentLines.add(lines.get(next));
        next++;
      }
      boolean hasEntry = next < lines.size() && !lines.get(next).startsWith("#")
          && !lines.get(next).isBlank();
      Map<String, String> now = new LinkedHashMap<>(
          hasEntry ? parse(lines.get(next)) : Map.of());
      now.put("environment", renderEnvironment(environmentNow));
      desired().forEach((k, v) -> {
        String before = now.getOrDefault(k, "absent");
        if (!before.equals(v)) {
          changes.record(k, before, v);
        }
      });
      int end = hasEntry ? next + 1 : next;
      out.subList(at + 1, end).clear();
      // Unmanaged environment lines stay as they are.
      List<String> block = new ArrayList<>(environment != null ? environment : environmentLines);
      block.add(entry());
      out.addAll(at + 1, block);
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
    if (special != null) {
      return "@" + special + " " + command;
    }
    List<String> parts = new ArrayList<>();
    for (String f : CronType.FIELDS) {
      parts.add(fields.get(f));
    }
    parts.add(command);
    return String.join(" ", parts);
  }

  static Map<String, String> parse(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    if (line.strip().startsWith("@")) {
      String[] f = line.strip().split("\\s+", 2);
      out.put("special", f[0].substring(1));
      if (f.length == 2) {
        out.put("command", f[1]);
      }
      return out;
    }
    String[] f = line.strip().split("\\s+", 6);
    for (int i = 0; i < CronType.FIELDS.size() && i < f.length; i++) {
      out.put(CronType.FIELDS.get(i), f[i]);
    }
    if (f.length == 6) {
      out.put("command", f[5]);
    }
    return out;
  }
}
