package dev.stead.agent.resource.mount;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import dev.stead.agent.resource.TextFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * File systems as {@link MountResource} compares them: the /etc/fstab entry and whether it is
 * mounted ({@link MountTable}). A file system mounted without an fstab entry is declared with
 * what the kernel says, as a suggestion: declaring it adds the entry.
 */
public final class MountInspection implements Inspection {
  private static final String FSTAB = "/etc/fstab";
  private static final String PROC_MOUNTS = "/proc/self/mounts";

  @Override
  public String type() {
    return "mount";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    return inspect(context, name, fstab(context), mounted(context));
  }

  @Override
  public List<Inspected> all(ApplyContext context) throws IOException {
    List<FstabEntry> fstab = fstab(context);
    MountTable mounted = mounted(context);
    Set<String> points = new LinkedHashSet<>();
    fstab.forEach(e -> points.add(e.mountPoint()));
    points.addAll(mounted.mountPoints());
    List<Inspected> out = new ArrayList<>();
    for (String point : points) {
      inspect(context, point, fstab, mounted).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<Inspected> inspect(ApplyContext context, String point,
      List<FstabEntry> fstab, MountTable mounted) {
    Optional<FstabEntry> entry = fstab.stream().filter(e -> e.mountPoint().equals(point))
        .findFirst();
    Optional<MountTable.Mounted> now = mounted.at(point);
    Map<String, Object> p = new LinkedHashMap<>();
    if (entry.isPresent()) {
      FstabEntry e = entry.get();
      boolean rightOne = now.isPresent() && now.get().fstype().equals(e.fstype())
          && MountTable.sameDevice(e.device(), now.get().source());
      p.put("ensure", rightOne ? "mounted" : now.isPresent() ? "present" : "unmounted");
      p.put("device", e.device());
      p.put("fstype", e.fstype());
      p.put("options", e.options());
      p.put("dump", e.dump());
      p.put("pass", e.pass());
      return Optional.of(new Inspected("mount", point, p));
    }
    if (now.isEmpty()) {
      return Optional.empty();
    }
    p.put("ensure", "mounted");
    p.put("device", now.get().source());
    p.put("fstype", now.get().fstype());
    p.put("options", now.get().options());
    return Optional.of(new Inspected("mount", point, p,
        "mounted without an " + FSTAB + " entry: declaring it adds one"));
  }

  private static List<FstabEntry> fstab(ApplyContext context) throws IOException {
    List<FstabEntry> out = new ArrayList<>();
    for (String line : TextFile.read(context.paths().resolve(FSTAB)).orElse(List.of())) {
      FstabEntry e = FstabEntry.parse(line);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static MountTable mounted(ApplyContext context) throws IOException {
    return MountTable.read(context.paths().resolve(PROC_MOUNTS));
  }
}
