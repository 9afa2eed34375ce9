package dev.stead.agent.resource.ini;

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
import java.util.List;

/**
 * The {@code ini_setting} type. Its one property is {@code value}: before is the key's value
 * in the file ({@code absent} when the key is not there), after the desired value (or
 * {@code absent}). It requires the {@code file} resource of its path when managed.
 */
public final class IniSettingType implements ResourceType {
  @Override
  public String name() {
    return ResourceTypes.INI_SETTING.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.INI_SETTING);
    String path = p.string("path");
    if (!path.startsWith("/")) {
      throw new InvalidResourceException("`path` must be absolute, got `" + path + "`");
    }
    String section = p.singleLine("section").strip();
    if (section.contains("]")) {
      throw new InvalidResourceException("`section` must not contain `]`, got `" + section
          + "`");
    }
    String setting = p.singleLine("setting").strip();
    String separator = p.singleLine("key_val_separator");
    String delimiter = separator.strip();
    if (delimiter.isEmpty()) {
      throw new InvalidResourceException("`key_val_separator` must contain a non-blank"
          + " delimiter such as `=` or `:`, got `" + separator + "`");
    }
    if (setting.isEmpty() || setting.contains(delimiter) || setting.startsWith("#")
        || setting.startsWith(";") || setting.startsWith("[")) {
      // Such a key could not be read back as the same key, so no run would ever settle.
      throw new InvalidResourceException("`setting` must be a non-empty key without `"
          + delimiter + "` that does not start with `#`, `;` or `[`, got `" + setting + "`");
    }
    boolean present = p.string("ensure").equals("present");
    String value = present ? p.singleLine("value").strip() : null;
    return new IniSetting(path, section, setting, value, separator, delimiter);
  }

  /** {@code value} is null for {@code ensure absent}. */
  private record IniSetting(String path, String section, String setting, String value,
      String separator, String delimiter) implements Checkable, Watchable {
    @Override
    public List<WatchedPath> watchedPaths() {
      return List.of(new WatchedPath(path, false));
    }

    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      String desired = value == null ? "absent" : value;
      Changes changes = new Changes(apply).desire("value", desired);
      try {
        Path file = context.paths().resolve(path);
        var read = TextFile.read(file);
        if (read.isEmpty() && value == null) {
          return changes.result();
        }
        IniLines ini = new IniLines(read.orElse(List.of()), delimiter);
        String now = ini.value(section, setting);
        IniLines edited = value == null
            ? ini.without(section, setting)
            : ini.with(section, setting, separator, value);
        if (edited.lines().equals(ini.lines()) && read.isPresent()) {
          return changes.result();
        }
        String before = now == null ? "absent" : now;
        if (before.equals(desired)) {
          // The first line already holds the value; a later duplicate of the key differs.
          before = desired + " (and another value on a later line)";
        }
        if (apply) {
          try {
            TextFile.write(context, path, file, edited.lines(),
                AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
          } catch (IOException e) {
            return changes.fail("value", before, desired, IoMessages.describe(e));
          }
        }
        changes.record("value", before, desired);
        return changes.result();
      } catch (IOException e) {
        return changes.fail("cannot read " + path + ": " + IoMessages.describe(e));
      }
    }
  }
}
