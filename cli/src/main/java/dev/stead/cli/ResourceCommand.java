package dev.stead.cli;

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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code stead resource}: the machine's current state of one resource type as Stead code, read
 * by the type's own inspection (Puppet's {@code puppet resource}). Changes nothing.
 */
@Command(name = "resource", description = {
    "Print what this machine has now as Stead code: one resource, or all of a type.",
    "Types: user, group, pkg, host, mount, service, cron (NAME: a user), and file, which "
        + "needs a NAME.",
    "A resource that cannot be declared as it is (an unmarked crontab line, a mount without "
        + "an fstab entry) is shown commented out, with the reason."})
final class ResourceCommand implements Callable<Integer> {
  /** Listing more would bury the reader; the count of what was left out is printed. */
  static final int LIST_LIMIT = 500;

  static final Map<String, Inspection> TYPES = Stream.of(AccountInspections.USERS,
          AccountInspections.GROUPS, new PkgInspection(), new HostInspection(),
          new FileInspection(), new ServiceInspection(), new MountInspection(),
          new CronInspection())
      .collect(Collectors.toMap(Inspection::type, Function.identity(), (a, b) -> a,
          java.util.LinkedHashMap::new));

  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The resource's title; for cron, a user (default: all of the type).")
  String name;

  @Override
  public Integer call() throws Exception {
    Inspection inspection = TYPES.get(type);
    if (inspection == null) {
      System.err.println("stead resource: unsupported type " + type + "; supported: "
          + String.join(", ", TYPES.keySet()));
      return 1;
    }
    ApplyContext context = new ApplyContext(new RootedPaths(Path.of("/")),
        new BackupStore(Defaults.AGENT_STATE.resolve("backups")));
    try {
      if (name != null) {
        List<Inspected> found = inspection.selected(context, name);
        if (found.isEmpty()) {
          System.err.println("stead resource: no " + type + " " + name + " on this machine");
          return 1;
        }
        found.stream().map(DslWriter::declaration).forEach(System.out::println);
        return 0;
      }
      List<Inspected> all = inspection.all(context);
      all.stream().limit(LIST_LIMIT).map(DslWriter::declaration).forEach(System.out::println);
      if (all.size() > LIST_LIMIT) {
        System.out.println("// " + (all.size() - LIST_LIMIT) + " more " + type
            + " resources left out; name one to see it");
      }
      return 0;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      System.err.println("stead resource: " + e.getMessage());
      return 1;
    }
  }
}
