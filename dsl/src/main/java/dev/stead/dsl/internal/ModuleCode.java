package dev.stead.dsl.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A module found on the module path: its name, directory, the prefix its files carry in
 * error locations (e.g. {@code motd/} or {@code modules/motd/}) and its compiled manifests
 * in file-name order, and the defined types those manifests declare (found in the syntax
 * tree, so a module is loaded when one of its types is first used), and its helper
 * functions: each name to the compiled {@code functions/} file that defines it. Immutable.
 */
public record ModuleCode(String name, Path dir, String relativePrefix,
    List<CompiledScript> manifests, Set<String> definedTypes,
    Map<String, CompiledScript> functions) {
  public ModuleCode {
    manifests = List.copyOf(manifests);
    definedTypes = Set.copyOf(definedTypes);
    functions = Map.copyOf(functions);
  }
}
