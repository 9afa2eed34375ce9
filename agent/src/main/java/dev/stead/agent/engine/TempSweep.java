package dev.stead.agent.engine;

import dev.stead.agent.fs.StaleTemps;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.account.Accounts;
import dev.stead.agent.resource.hosts.HostType;
import dev.stead.agent.resource.sysctl.SysctlType;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where a killed run may have left temporary files and {@linkplain StaleTemps removes}
 * them. Temporary files sit beside the file being replaced, so the places to look are the
 * directories of every file the catalog's resources write, plus the agent's state directory
 * (certificates, spool, cached catalog and secrets, state, backups):
 *
 * <table>
 * <tr><th>resource</th><th>directory swept</th></tr>
 * <tr><td>{@code file[P]}</td><td>P's directory; with {@code recurse} and a {@code source},
 *     also the tree under P (it copies files there)</td></tr>
 * <tr><td>{@code line} with {@code path => P}</td><td>P's directory</td></tr>
 * <tr><td>{@code ssh_key}</td><td>{@code ~USER/.ssh}</td></tr>
 * <tr><td>{@code host}</td><td>the directory of {@value HostType#FILE}</td></tr>
 * <tr><td>{@code sysctl}</td><td>the directory of {@value SysctlType#PERSIST_FILE}</td></tr>
 * </table>
 *
 * Paths resolve under the run's root as the resources themselves resolve them. Stateless.
 */
public final class TempSweep {
  /** How deep a copied tree and the state directory are searched. */
  private static final int TREE_DEPTH = 32;

  private TempSweep() {}

  /**
   * Removes Stead's temporary files older than {@code cutoff} from where {@code catalog}'s
   * resources write and from {@code stateDir}; returns what was removed. Never throws.
   */
  public static List<Path> sweep(Catalog catalog, ApplyContext context, Path stateDir,
      FileTime cutoff) {
    List<Path> removed = new ArrayList<>(StaleTemps.sweepTree(stateDir, cutoff, TREE_DEPTH));
    Set<String> directories = new LinkedHashSet<>();
    Set<String> trees = new LinkedHashSet<>();
    List<String> sshUsers = new ArrayList<>();
    for (Resource resource : catalog.getResourcesList()) {
      String type = resource.getType();
      if (type.equals(ResourceTypes.FILE.name())) {
        directories.add(parent(resource.getTitle()));
        if (flag(resource, "recurse") && !string(resource, "source").isEmpty()) {
          trees.add(resource.getTitle());
        }
      } else if ((type.equals(ResourceTypes.LINE.name())
          || type.equals(ResourceTypes.INI_SETTING.name()))
          && !string(resource, "path").isEmpty()) {
        directories.add(parent(string(resource, "path")));
      } else if (type.equals(ResourceTypes.SSH_KEY.name())
          && !string(resource, "user").isEmpty()) {
        sshUsers.add(string(resource, "user"));
      } else if (type.equals(ResourceTypes.HOST.name())) {
        directories.add(parent(HostType.FILE));
      } else if (type.equals(ResourceTypes.MOUNT.name())) {
        String fstab = string(resource, "target");
        directories.add(parent(fstab.isEmpty()
            ? (String) ResourceTypes.MOUNT.parameter("target").orElseThrow().defaultValue()
            : fstab));
      } else if (type.equals(ResourceTypes.SYSCTL.name())) {
        directories.add(parent(SysctlType.PERSIST_FILE));
      } else if (type.equals(ResourceTypes.ARCHIVE.name())) {
        // Where a download is staged; files unpacked deeper are swept as their runs end.
        directories.add(parent(resource.getTitle()));
      }
    }
    if (!sshUsers.isEmpty()) {
      Optional<Accounts> accounts = Accounts.read(context, new StringBuilder());
      for (String user : sshUsers) {
        accounts.flatMap(a -> a.user(user))
            .ifPresent(u -> directories.add(u.home() + "/.ssh"));
      }
    }
    for (String dir : directories) {
      resolve(context, dir).ifPresent(d -> removed.addAll(StaleTemps.sweep(d, cutoff)));
    }
    for (String tree : trees) {
      resolve(context, tree)
          .ifPresent(d -> removed.addAll(StaleTemps.sweepTree(d, cutoff, TREE_DEPTH)));
    }
    return removed;
  }

  private static Optional<Path> resolve(ApplyContext context, String managed) {
    if (!managed.startsWith("/") || managed.contains("/../") || managed.endsWith("/..")) {
      return Optional.empty();
    }
    try {
      return Optional.of(context.paths().resolve(managed));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // a link out of the root, or a path no resource could use
    }
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String string(Resource resource, String name) {
    Value v = resource.getParametersMap().get(name);
    return v != null && v.getKindCase() == Value.KindCase.STRING_VALUE ? v.getStringValue() : "";
  }

  private static boolean flag(Resource resource, String name) {
    Value v = resource.getParametersMap().get(name);
    return v != null && v.getKindCase() == Value.KindCase.BOOL_VALUE && v.getBoolValue();
  }
}
