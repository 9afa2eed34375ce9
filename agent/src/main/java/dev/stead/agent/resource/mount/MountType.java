package dev.stead.agent.resource.mount;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code mount} type. Properties: {@code fstab}, the entry's line ({@code absent} when
 * none), and {@code mounted}, {@code DEVICE FSTYPE} or {@code unmounted} (not managed with
 * {@code ensure present}).
 */
public final class MountType implements ResourceType {
  private static final Pattern NO_BLANKS = Pattern.compile("\\S+");

  /** What {@code ensure} asks for. */
  enum Ensure {
    MOUNTED, UNMOUNTED, PRESENT, ABSENT;

    boolean inFstab() {
      return this != ABSENT;
    }
  }

  @Override
  public String name() {
    return ResourceTypes.MOUNT.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.MOUNT);
    String mountPoint = p.title();
    if (!mountPoint.startsWith("/") || mountPoint.contains("\n")
        || !Path.of(mountPoint).normalize().toString().equals(mountPoint)) {
      throw new InvalidResourceException("the title must be the mount point as a normalised"
          + " absolute path, got `" + mountPoint + "`");
    }
    Ensure ensure = Ensure.valueOf(p.string("ensure").toUpperCase(Locale.ROOT));
    String target = p.singleLine("target");
    if (!target.startsWith("/")) {
      throw new InvalidResourceException("`target` must be an absolute path, got `" + target
          + "`");
    }
    String device = p.singleLine("device");
    String fstype = p.singleLine("fstype");
    String options = p.singleLine("options");
    if (ensure != Ensure.ABSENT) {
      if (device == null || device.isBlank()) {
        throw new InvalidResourceException("`device` is required unless ensure is absent");
      }
      if (fstype == null || !NO_BLANKS.matcher(fstype).matches()) {
        throw new InvalidResourceException("`fstype` is required unless ensure is absent,"
            + " one word, got `" + fstype + "`");
      }
    }
    if (!NO_BLANKS.matcher(options).matches() || options.startsWith("remount")) {
      throw new InvalidResourceException("`options` must be a comma-separated list without"
          + " blanks, got `" + options + "`");
    }
    long dump = p.integer("dump");
    long pass = p.integer("pass");
    if (dump < 0 || pass < 0) {
      throw new InvalidResourceException("`dump` and `pass` must not be negative");
    }
    FstabEntry entry = ensure == Ensure.ABSENT ? null
        : new FstabEntry(device, mountPoint, fstype, options, dump, pass);
    return new MountResource(mountPoint, ensure, entry, target);
  }
}
