package dev.stead.dsl.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the dependencies of a set of modules against each other: every module a
 * {@code module.yaml} names must be present, and have a version in the range it asks for.
 * Stateless.
 */
public final class DependencyCheck {
  /** One unmet dependency: the module whose module.yaml names it, its line, and why. */
  public record Violation(String module, int line, String message) {}

  private DependencyCheck() {}

  /**
   * The unmet dependencies among {@code modules}: each module's name to its metadata, empty
   * for a module without module.yaml. In the order of {@code modules}, then of each file.
   */
  public static List<Violation> check(Map<String, Optional<ModuleMetadata>> modules) {
    List<Violation> out = new ArrayList<>();
    modules.forEach((name, metadata) -> metadata.ifPresent(m -> {
      for (ModuleMetadata.Dependency d : m.dependencies()) {
        String needs = "module '" + name + "' depends on module '" + d.name() + "' "
            + d.range();
        Optional<ModuleMetadata> target = modules.get(d.name());
        if (target == null) {
          out.add(new Violation(name, d.line(), needs + ", which is not on the module path"));
        } else if (target.isEmpty()) {
          if (!d.range().toString().equals("*")) {
            out.add(new Violation(name, d.line(), needs + ", but '" + d.name()
                + "' has no " + ModuleMetadata.FILE + " to say its version"));
          }
        } else if (!d.range().accepts(target.get().version())) {
          out.add(new Violation(name, d.line(), needs + ", but '" + d.name() + "' is version "
              + target.get().version()));
        }
      }
    }));
    return List.copyOf(out);
  }
}
