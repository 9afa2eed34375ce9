package dev.stead.agent.resource.sysctl;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.TextFile;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code sysctl} type. Property {@code value}: the running value in
 * /proc/sys/KEY-with-slashes, written in place (a /proc file cannot be replaced by rename).
 * Property {@code persist}: the {@code KEY = VALUE} line in {@value #PERSIST_FILE}, written
 * atomically; other keys' lines are kept. Both compare with runs of blanks squeezed.
 */
public final class SysctlType implements ResourceType {
  /** Where values are kept across reboots. */
  public static final String PERSIST_FILE = "/etc/sysctl.d/99-stead.conf";
  private static final Pattern KEY = Pattern.compile("[a-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)+");

  @Override
  public String name() {
    return ResourceTypes.SYSCTL.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.SYSCTL);
    if (!KEY.matcher(p.title()).matches()) {
      throw new InvalidResourceException("`" + p.title()
          + "` is not a sysctl key such as net.ipv4.ip_forward");
    }
    String value = p.singleLine("value");
    if (value == null || value.isBlank()) {
      throw new InvalidResourceException("`value` is required");
    }
    return new Sysctl(p.title(), squeeze(value), p.bool("persist"));
  }

  static String squeeze(String value) {
    return value.strip().replaceAll("\\s+", " ");
  }

  private record Sysctl(String key, String value, boolean persist) implements Checkable {
    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      Changes changes = new Changes(apply).desire("value", value);
      if (persist) {
        changes.desire("persist", value);
      }
      String proc = "/proc/sys/" + key.replace('.', '/');
      try {
        Path running = context.paths().resolve(proc);
        String now;
        try {
          now = squeeze(Files.readString(running, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
          return changes.fail("no such kernel parameter: " + key + " (" + proc
              + " does not exist)");
        }
        if (!now.equals(value)) {
          if (apply) {
            try {
              Files.writeString(running, value + "\n", StandardCharsets.UTF_8,
                  StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
              return changes.fail("value", now, value, "cannot write " + proc + ": "
                  + IoMessages.describe(e));
            }
          }
          changes.record("value", now, value);
        }
        if (persist) {
          Path file = context.paths().resolve(PERSIST_FILE);
          List<String> lines = TextFile.read(file).orElse(List.of());
          List<String> out = new ArrayList<>();
          String before = "absent";
          for (String line : lines) {
            int eq = line.indexOf('=');
            if (!line.strip().startsWith("#") && eq > 0 && line.substring(0, eq).strip()
                .equals(key)) {
              if (before.equals("absent")) {
                before = squeeze(line.substring(eq + 1));
              }
              continue;
            }
            out.add(line);
          }
          out.add(key + " = " + value);
          if (!before.equals(value)) {
            if (apply) {
              try {
                Files.createDirectories(file.getParent());
                TextFile.write(context, PERSIST_FILE, file, out,
                    AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
              } catch (IOException e) {
                return changes.fail("persist", before, value, IoMessages.describe(e));
              }
            }
            changes.record("persist", before, value);
          }
        }
        return changes.result();
      } catch (IOException e) {
        return changes.fail(IoMessages.describe(e));
      }
    }
  }
}
