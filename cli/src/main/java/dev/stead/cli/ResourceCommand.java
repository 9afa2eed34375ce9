package dev.stead.cli;

import dev.stead.agent.ResourceInspector;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Parameters(index = "0", paramLabel = "TYPE", description = "The resource type.")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
      description = "The resource's title; for cron, a user (default: all of the type).")
  String name;

  @Override
  public Integer call() throws Exception {
    try {
      if (name != null) {
        List<String> found = ResourceInspector.declarations(type, name);
        if (found.isEmpty()) {
          System.err.println("stead resource: no " + type + " " + name + " on this machine");
          return 1;
        }
        found.forEach(System.out::println);
        return 0;
      }
      List<String> all = ResourceInspector.declarations(type);
      all.stream().limit(LIST_LIMIT).forEach(System.out::println);
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
