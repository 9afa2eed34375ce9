package dev.stead.dsl.internal;

import java.util.Map;
import java.util.Optional;

/**
 * Everything a compile needs that does not depend on the node: the compiled main script,
 * the modules, the templates cache, the code version, and the map from compiled script
 * file names to the relative names errors print. Immutable apart from the template and
 * source checksum caches, which are thread-safe; one instance serves concurrent compiles.
 *
 * @param environment the environment name stamped on catalogs
 * @param main site.groovy or the masterless manifest
 * @param nodeRequired true for an environment: a node that matches no block is an error
 * @param scriptFiles compiled file name (as in stack traces) to relative name
 * @param scriptModules compiled file name to the name of the module it belongs to
 * @param data the data hierarchy, parsed
 * @param sourceChecksums the checksums of module files named by {@code source}, as hashed
 * @param scriptsFromCache how many scripts were defined from the class cache, not compiled
 */
public record CodeBase(String environment, CompiledScript main, boolean nodeRequired,
    Map<String, ModuleCode> modules, Map<String, String> scriptFiles,
    Map<String, String> scriptModules, Templates templates,
    String codeVersion, DataHierarchy data, SourceChecksums sourceChecksums,
    int scriptsFromCache) {
  public CodeBase {
    modules = Map.copyOf(modules);
    scriptFiles = Map.copyOf(scriptFiles);
    scriptModules = Map.copyOf(scriptModules);
  }

  /** The module whose manifests declare the defined type {@code name}, if any. */
  public Optional<ModuleCode> moduleDefining(String name) {
    return modules.values().stream().filter(m -> m.definedTypes().contains(name)).findFirst();
  }

  public Optional<ModuleCode> module(String name) {
    return Optional.ofNullable(modules.get(name));
  }
}
