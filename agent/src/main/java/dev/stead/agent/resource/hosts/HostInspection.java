package dev.stead.agent.resource.hosts;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import dev.stead.agent.resource.TextFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Entries of /etc/hosts by canonical name (the first name of a line); as {@link HostType}
 * manages them, the first line of a name is its entry.
 */
public final class HostInspection implements Inspection {
  @Override
  public String type() {
    return "host";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    return all(context).stream().filter(h -> h.title().equals(name)).findFirst();
  }

  @Override
  public List<Inspected> all(ApplyContext context) throws IOException {
    List<String> lines = TextFile.read(context.paths().resolve(HostType.FILE))
        .orElse(List.of());
    Map<String, Inspected> entries = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = HostType.fields(line);
      if (f.length >= 2 && !entries.containsKey(f[1])) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ensure", "present");
        p.put("ip", f[0]);
        p.put("aliases", List.of(f).subList(2, f.length));
        entries.put(f[1], new Inspected("host", f[1], p));
      }
    }
    return new ArrayList<>(entries.values());
  }
}
