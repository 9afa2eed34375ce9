package dev.stead.agent;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import dev.stead.agent.resource.account.AccountInspections;
import dev.stead.agent.resource.cron.CronInspection;
import dev.stead.agent.resource.file.FileInspection;
import dev.stead.agent.resource.hosts.HostInspection;
import dev.stead.agent.resource.mount.MountInspection;
import dev.stead.agent.resource.pkg.PkgInspection;
import dev.stead.agent.resource.service.ServiceInspection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What this machine has now, written as Stead code that compiles back to it (Puppet's
 * {@code puppet resource}). Each type reads its resources with the same code a run compares
 * with, so what it shows is what a run would see. Changes nothing; stateless.
 */
public final class ResourceInspector {
  private static final Map<String, Inspection> TYPES = Stream.of(AccountInspections.USERS,
          AccountInspections.GROUPS, new PkgInspection(), new HostInspection(),
          new FileInspection(), new ServiceInspection(), new MountInspection(),
          new CronInspection())
      .collect(Collectors.toMap(Inspection::type, Function.identity(), (a, b) -> a,
          LinkedHashMap::new));

  private ResourceInspector() {}

  /** The types that can be inspected, in the order help lists them. */
  public static Set<String> types() {
    return TYPES.keySet();
  }

  /**
   * The resources {@code name} selects (for cron: a user's entries), one declaration each;
   * empty when the machine has none.
   *
   * @throws IllegalArgumentException when the type cannot be inspected, or the name is not
   *     one the type accepts
   */
  public static List<String> declarations(String type, String name) throws IOException {
    return written(inspection(type).selected(context(), name));
  }

  /**
   * Every resource of {@code type} on the machine, in the machine's order.
   *
   * @throws UnsupportedOperationException when the type cannot be listed (files, services)
   */
  public static List<String> declarations(String type) throws IOException {
    return written(inspection(type).all(context()));
  }

  private static Inspection inspection(String type) {
    Inspection inspection = TYPES.get(type);
    if (inspection == null) {
      throw new IllegalArgumentException("unsupported type " + type + "; supported: "
          + String.join(", ", TYPES.keySet()));
    }
    return inspection;
  }

  /** Inspection reads only: nothing is written under the root, so nothing is backed up. */
  private static ApplyContext context() throws IOException {
    return new ApplyContext(new RootedPaths(Path.of("/")), BackupStore.none());
  }

  private static List<String> written(List<Inspected> found) {
    return found.stream().map(DslWriter::declaration).toList();
  }
}
