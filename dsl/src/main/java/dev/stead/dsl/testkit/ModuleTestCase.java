package dev.stead.dsl.testkit;

import java.util.List;
import java.util.Map;

/**
 * One case of a module's YAML tests: compile the module for one node with the given facts
 * and data, then expect resources and their parameters, or a compile error. Immutable.
 *
 * @param file the spec file as messages show it, e.g. {@code tests/ntp.yaml}
 * @param line the line the case starts on
 * @param node the node's certname
 * @param facts dotted fact paths set over {@link TestFacts#debian()}
 * @param data the environment's {@code data/common.yaml}
 * @param code the body of the {@code node('default')} block
 * @param error a fragment the compile error must contain; null when the compile must pass
 * @param count the number of resources expected; -1 for any
 * @param classes classes the catalog must include
 * @param resources each expected resource's key to its expectations, in file order
 * @param resourceLines each expected resource's line
 * @param absent resources that must not be in the catalog
 */
public record ModuleTestCase(String file, int line, String name, String node,
    Map<String, Object> facts, Map<String, Object> data, String code, String error, int count,
    List<String> classes, Map<String, Map<String, Object>> resources,
    Map<String, Integer> resourceLines, List<String> absent) {
  public ModuleTestCase {
    // Copied keeping order and nulls (a YAML ~ is a value here).
    facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    classes = List.copyOf(classes);
    resources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resources));
    resourceLines = Map.copyOf(resourceLines);
    absent = List.copyOf(absent);
  }

  /** Where the case is written, for messages: {@code tests/ntp.yaml:12}. */
  public String where() {
    return file + ":" + line;
  }
}
