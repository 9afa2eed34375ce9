package dev.stead.agent.resource.hosts;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.TextFile;
import dev.stead.agent.resource.Watchable;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code host} type: the /etc/hosts line whose first name is the title. Properties
 * {@code ensure}, {@code ip} and {@code aliases} (space-separated, in order); a changed entry
 * is rewritten in place, a new one appended; every other line is kept byte for byte.
 */
public final class HostType implements ResourceType {
  /** The file this type edits. */
  public static final String FILE = "/etc/hosts";
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?");
  private static final Pattern IP = Pattern.compile("[0-9A-Fa-f.:%a-z]+");

  @Override
  public String name() {
    return ResourceTypes.HOST.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.HOST);
    if (!NAME.matcher(p.title()).matches()) {
      throw new InvalidResourceException("`" + p.title() + "` is not a host name");
    }
    boolean present = p.string("ensure").equals("present");
    String ip = p.singleLine("ip");
    if (ip != null && (!IP.matcher(ip).matches() || !(ip.contains(".") || ip.contains(":")))) {
      throw new InvalidResourceException("`ip` must be an IPv4 or IPv6 address, got `" + ip
          + "`");
    }
    List<String> aliases = p.strings("aliases");
    for (String a : aliases) {
      if (!NAME.matcher(a).matches()) {
        throw new InvalidResourceException("`aliases` has an invalid host name `" + a + "`");
      }
    }
    return new Entry(p.title(), present, ip, aliases);
  }

  /** One entry. */
  private record Entry(String name, boolean present, String ip, List<String> aliases)
      implements Checkable, Watchable {
    @Override
    public List<WatchedPath> watchedPaths() {
      return List.of(new WatchedPath(FILE, false));
    }

    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      Changes changes = new Changes(apply).desire("ensure", present ? "present" : "absent");
      String wantAliases = aliases.isEmpty() ? "(none)" : String.join(" ", aliases);
      if (present) {
        changes.desire("ip", ip).desire("aliases", wantAliases);
      }
      try {
        Path file = context.paths().resolve(FILE);
        List<String> lines = TextFile.read(file).orElse(List.of());
        List<String> out = new ArrayList<>();
        int at = -1;
        String[] found = null;
        for (String line : lines) {
          String[] f = fields(line);
          if (f.length >= 2 && f[1].equals(name) && at < 0) {
            at = out.size();
            found = f;
          }
          // Absent removes every line for the name; present manages the first one only.
          if (f.length >= 2 && f[1].equals(name) && !present) {
            continue;
          }
          out.add(line);
        }
        if (!present) {
          if (at < 0) {
            return changes.result();
          }
          changes.record("ensure", "present", "absent");
        } else if (at < 0) {
          out.add(ip + "\t" + String.join(" ", entryNames()));
          changes.record("ensure", "absent", "present");
          changes.record("ip", "absent", ip);
          if (!aliases.isEmpty()) {
            changes.record("aliases", "absent", wantAliases);
          }
        } else {
          String haveAliases = found.length > 2
              ? String.join(" ", List.of(found).subList(2, found.length)) : "(none)";
          if (!found[0].equals(ip)) {
            changes.record("ip", found[0], ip);
          }
          if (!haveAliases.equals(wantAliases)) {
            changes.record("aliases", haveAliases, wantAliases);
          }
          if (!changes.isEmpty()) {
            out.set(at, ip + "\t" + String.join(" ", entryNames()) + comment(lines, name));
          }
        }
        if (apply && !changes.isEmpty()) {
          TextFile.write(context, FILE, file, out,
              AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
        }
        return changes.result();
      } catch (IOException e) {
        return changes.fail("cannot update " + FILE + ": " + IoMessages.describe(e));
      }
    }

    private List<String> entryNames() {
      List<String> names = new ArrayList<>(List.of(name));
      names.addAll(aliases);
      return names;
    }
  }

  /** Address and names of a line, without its comment; empty for blank and comment lines. */
  static String[] fields(String line) {
    int hash = line.indexOf('#');
    String data = (hash >= 0 ? line.substring(0, hash) : line).strip();
    return data.isEmpty() ? new String[0] : data.split("\\s+");
  }

  /** The trailing comment of the entry's line (kept when the entry is rewritten). */
  private static String comment(List<String> lines, String name) {
    for (String line : lines) {
      String[] f = fields(line);
      if (f.length >= 2 && f[1].equals(name)) {
        int hash = line.indexOf('#');
        return hash >= 0 ? " " + line.substring(hash) : "";
      }
    }
    return "";
  }
}
