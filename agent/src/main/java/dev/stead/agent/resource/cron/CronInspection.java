package dev.stead.agent.resource.cron;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import dev.stead.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Crontab entries, read as {@link CronResource} reads them. An entry under a
 * {@code # stead: TITLE} marker is declared as it is; an unmarked one only as a suggestion,
 * since declaring it adds a marked copy. The name selects a user, whose entries these are;
 * without one, every user with a crontab in the spool directory (root at least).
 */
public final class CronInspection implements Inspection {
  private static final Path SPOOL = Path.of("/var/spool/cron/crontabs");
  private static final List<String> SPECIALS =
      ResourceTypes.CRON.parameter("special").orElseThrow().allowed();

  @Override
  public String type() {
    return "cron";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    return all(context).stream().filter(c -> c.note().isEmpty() && c.title().equals(name))
        .findFirst();
  }

  @Override
  public List<Inspected> selected(ApplyContext context, String user) throws IOException {
    StringBuilder error = new StringBuilder();
    List<String> lines = CronResource.read(context, user, error);
    if (lines == null) {
      throw new IOException(error.toString());
    }
    List<Inspected> out = new ArrayList<>();
    int unmarked = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || isEnvironment(line)) {
        continue;
      }
      // The marker sits above the entry's environment lines, as CronResource writes them.
      int above = i - 1;
      List<String> environment = new ArrayList<>();
      while (above >= 0 && isEnvironment(lines.get(above).strip())) {
        environment.add(0, lines.get(above).strip());
        above--;
      }
      boolean marked = above >= 0 && lines.get(above).startsWith(CronResource.MARKER);
      String title = marked ? lines.get(above).substring(CronResource.MARKER.length())
          : user + "-" + ++unmarked;
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("ensure", "present");
      p.put("user", user);
      Map<String, String> entry = CronResource.parse(line);
      String special = entry.get("special");
      if (special != null) {
        p.put("special", special);
        p.put("command", entry.getOrDefault("command", ""));
      } else {
        p.putAll(entry);
      }
      if (marked && !environment.isEmpty()) {
        p.put("environment", List.copyOf(environment));
      }
      String note = "";
      if (!marked) {
        note = "not marked for Stead: declaring it adds a marked copy, so remove this line"
            + " then: " + line;
      } else if (special != null && !SPECIALS.contains(special)) {
        note = "@" + special + " is not a special Stead writes (" + String.join(", ", SPECIALS)
            + "); declare the time fields instead";
      }
      out.add(new Inspected("cron", title, p, note));
    }
    return out;
  }

  private static boolean isEnvironment(String line) {
    return line.matches("^[A-Za-z_][A-Za-z0-9_]*\\s*=.*");
  }

  @Override
  public List<Inspected> all(ApplyContext context) throws IOException {
    List<String> users = new ArrayList<>(List.of("root"));
    Path spool = context.paths().resolve(SPOOL.toString());
    if (Files.isDirectory(spool)) {
      try (Stream<Path> files = Files.list(spool)) {
        files.map(f -> f.getFileName().toString()).filter(u -> !u.startsWith("."))
            .filter(u -> !u.equals("root")).sorted().forEach(users::add);
      }
    }
    List<Inspected> out = new ArrayList<>();
    for (String user : users) {
      out.addAll(selected(context, user));
    }
    return out;
  }
}
