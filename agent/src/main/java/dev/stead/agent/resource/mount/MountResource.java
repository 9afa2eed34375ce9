package dev.stead.agent.resource.mount;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.host.Command;
import dev.stead.agent.host.CommandResult;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.TextFile;
import dev.stead.agent.resource.mount.MountTable.Mounted;
import dev.stead.agent.resource.mount.MountType.Ensure;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One bound {@code mount}. Order of work: unmount (a wrong or unwanted mount), then the fstab
 * file, then mount or remount, so the file never promises what the kernel is about to drop.
 * Immutable.
 */
final class MountResource implements Checkable, Refreshable {
  private static final int OUTPUT_LIMIT = 2000;
  private static final String PROC_MOUNTS = "/proc/self/mounts";

  private final String mountPoint;
  private final Ensure ensure;
  private final FstabEntry entry; // null for absent
  private final String target;

  MountResource(String mountPoint, Ensure ensure, FstabEntry entry, String target) {
    this.mountPoint = mountPoint;
    this.ensure = ensure;
    this.entry = entry;
    this.target = target;
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    String wantedFstab = entry == null ? "absent" : entry.line();
    String wantedMount = switch (ensure) {
      case MOUNTED -> entry.device() + " " + entry.fstype();
      case UNMOUNTED, ABSENT -> "unmounted";
      case PRESENT -> null;
    };
    Changes changes = new Changes(apply).desire("fstab", wantedFstab);
    if (wantedMount != null) {
      changes.desire("mounted", wantedMount);
    }
    Path fstab;
    Optional<List<String>> read;
    Optional<Mounted> now;
    try {
      fstab = context.paths().resolve(target);
      read = TextFile.read(fstab);
      now = MountTable.read(context.paths().resolve(PROC_MOUNTS)).at(mountPoint);
    } catch (IOException e) {
      return changes.fail(IoMessages.describe(e));
    }

    List<String> lines = read.orElse(List.of());
    List<String> out = new ArrayList<>(lines.size() + 1);
    String oldLine = null;
    for (String line : lines) {
      if (!mountPoint.equals(FstabEntry.mountPointOf(line))) {
        out.add(line);
      } else if (oldLine == null) {
        oldLine = line;
        if (entry != null) {
          out.add(entry.equals(FstabEntry.parse(line)) ? line : entry.line());
        }
      }
    }
    if (entry != null && oldLine == null) {
      out.add(entry.line());
    }
    FstabEntry old = oldLine == null ? null : FstabEntry.parse(oldLine);
    String fstabBefore = oldLine == null ? "absent" : old != null ? old.line() : oldLine.strip();
    boolean fstabChanges = !out.equals(lines);

    String mountedBefore = now.map(m -> m.source() + " " + m.fstype()).orElse("unmounted");
    boolean rightOne = now.isPresent() && entry != null
        && now.get().fstype().equals(entry.fstype())
        && MountTable.sameDevice(entry.device(), now.get().source());
    boolean unmount = now.isPresent()
        && (ensure == Ensure.UNMOUNTED || ensure == Ensure.ABSENT
            || ensure == Ensure.MOUNTED && !rightOne);
    boolean mount = ensure == Ensure.MOUNTED && !rightOne;
    // New options reach a mounted file system only through a remount.
    boolean remount = rightOne && old != null && !old.options().equals(entry.options());

    if (unmount && apply) {
      String failure = run(context, Command.of("umount", mountPoint));
      if (!failure.isEmpty()) {
        return changes.fail("mounted", mountedBefore, wantedMount, failure);
      }
    }
    if (fstabChanges) {
      if (apply) {
        try {
          TextFile.write(context, target, fstab, out,
              AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
        } catch (IOException e) {
          return changes.fail("fstab", fstabBefore, wantedFstab, IoMessages.describe(e));
        }
        if (remount) {
          String failure = remount(context);
          if (!failure.isEmpty()) {
            return changes.fail("fstab", fstabBefore, wantedFstab, failure);
          }
        }
      }
      changes.record("fstab", fstabBefore, wantedFstab);
    }
    if (mount) {
      if (apply) {
        String failure = mount(context);
        if (!failure.isEmpty()) {
          return changes.fail("mounted", mountedBefore, wantedMount, failure);
        }
      }
      changes.record("mounted", mountedBefore, wantedMount);
    } else if (unmount) {
      changes.record("mounted", mountedBefore, wantedMount);
    }
    return changes.result();
  }

  private String mount(ApplyContext context) {
    try {
      if (!Files.isDirectory(context.paths().resolve(mountPoint))) {
        return "mount point " + mountPoint + " is not a directory (manage it with a file"
            + " resource)";
      }
    } catch (IOException e) {
      return IoMessages.describe(e);
    }
    return run(context, Command.of("mount", "-t", entry.fstype(), "-o", entry.options(),
        entry.device(), mountPoint));
  }

  private String remount(ApplyContext context) {
    return run(context, Command.of("mount", "-o", "remount," + entry.options(), mountPoint));
  }

  /** Remounts with the entry's options when the right file system is mounted. */
  @Override
  public Refresh refresh(ApplyContext context) {
    if (entry == null || ensure == Ensure.UNMOUNTED) {
      return Refresh.ok();
    }
    try {
      Optional<Mounted> now =
          MountTable.read(context.paths().resolve(PROC_MOUNTS)).at(mountPoint);
      if (now.isEmpty() || !now.get().fstype().equals(entry.fstype())
          || !MountTable.sameDevice(entry.device(), now.get().source())) {
        return Refresh.ok();
      }
    } catch (IOException e) {
      return Refresh.failed(IoMessages.describe(e));
    }
    String failure = remount(context);
    return failure.isEmpty() ? Refresh.ok("remounted " + mountPoint) : Refresh.failed(failure);
  }

  /** Empty when {@code command} succeeded, else why not. */
  private static String run(ApplyContext context, Command command) {
    CommandResult r = context.host().run(command);
    return r.ok() ? "" : r.describe(command, OUTPUT_LIMIT);
  }
}
