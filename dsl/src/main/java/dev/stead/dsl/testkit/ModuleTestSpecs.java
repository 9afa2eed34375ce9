package dev.stead.dsl.testkit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a module's test specs: every {@code tests/*.yaml} file of the module, each a list of
 * cases (see docs/modules.md for the format). A spec that is not as described fails with
 * its file and line, before anything runs. Stateless.
 */
public final class ModuleTestSpecs {
  /** The directory of a module its specs live in. */
  public static final String DIR = "tests";
  private static final Set<String> CASE_KEYS =
      Set.of("name", "node", "facts", "data", "code", "expect", "error");
  private static final Set<String> EXPECT_KEYS = Set.of("count", "classes", "resources",
      "absent");

  /** A spec that cannot be read or is malformed: message starts with {@code file:line:}. */
  public static final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;

    SpecException(String where, String message) {
      super(where + ": " + message, null, false, false);
    }
  }

  private ModuleTestSpecs() {}

  /** The cases of every spec file of the module in {@code moduleDir}, by file name. */
  public static List<ModuleTestCase> read(Path moduleDir, String moduleName)
      throws SpecException {
    Path dir = moduleDir.resolve(DIR);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".yaml")
          || f.toString().endsWith(".yml"))).sorted().toList();
    } catch (IOException e) {
      throw new SpecException(DIR, "cannot list the tests: " + e.getMessage());
    }
    List<ModuleTestCase> out = new ArrayList<>();
    for (Path f : files) {
      String shown = DIR + "/" + f.getFileName();
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new SpecException(shown, "cannot read: " + e.getMessage());
      }
      out.addAll(parse(text, shown, moduleName));
    }
    return out;
  }

  /** The cases of one spec file's {@code text}, shown as {@code file} in messages. */
  public static List<ModuleTestCase> parse(String text, String file, String moduleName)
      throws SpecException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Node root;
    Object value;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
      value = new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new SpecException(file + ":" + (mark == null ? 0 : mark.getLine() + 1),
          "invalid YAML: " + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (YAMLException e) {
      throw new SpecException(file, "invalid YAML: " + e.getMessage());
    }
    if (root == null) {
      return List.of();
    }
    if (!(root instanceof SequenceNode cases) || !(value instanceof List<?> list)) {
      throw new SpecException(file + ":" + line(root), "a test file is a list of cases, each"
          + " a mapping with name and expect (or error)");
    }
    List<ModuleTestCase> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(testCase(file, cases.getValue().get(i), list.get(i), moduleName));
    }
    return out;
  }

  private static ModuleTestCase testCase(String file, Node node, Object value,
      String moduleName) throws SpecException {
    String where = file + ":" + line(node);
    if (!(node instanceof MappingNode mapping) || !(value instanceof Map<?, ?> map)) {
      throw new SpecException(where, "a case must be a mapping with name and expect (or error)");
    }
    checkKeys(file, mapping, CASE_KEYS, "a case");
    String name = string(map.get("name"), where, "name");
    if (name == null || name.isBlank()) {
      throw new SpecException(where, "a case needs a 'name'");
    }
    String node0 = string(map.get("node"), where, "node");
    String code = string(map.get("code"), where, "code");
    String error = string(map.get("error"), where, "error");
    Map<String, Object> facts = mapOf(map.get("facts"), where, "facts");
    Map<String, Object> data = mapOf(map.get("data"), where, "data");
    Map<String, Object> expect = mapOf(map.get("expect"), where, "expect");
    if (error != null && !expect.isEmpty()) {
      throw new SpecException(where, "case '" + name + "' has both 'error' and 'expect': a "
          + "case either compiles and is checked, or fails to compile");
    }
    if (error == null && expect.isEmpty()) {
      throw new SpecException(where, "case '" + name + "' expects nothing: give 'expect' "
          + "(resources, absent, classes, count) or 'error'");
    }
    Node expectNode = valueNode(mapping, "expect");
    if (expectNode instanceof MappingNode e) {
      checkKeys(file, e, EXPECT_KEYS, "'expect'");
    }
    int count = -1;
    if (expect.get("count") != null) {
      if (!(expect.get("count") instanceof Integer n)) {
        throw new SpecException(where, "expect.count must be a number");
      }
      count = n;
    }
    Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
    Map<String, Integer> resourceLines = new LinkedHashMap<>();
    Map<String, Object> declared = mapOf(expect.get("resources"), where, "expect.resources");
    Node resourcesNode = expectNode instanceof MappingNode e ? valueNode(e, "resources") : null;
    for (Map.Entry<String, Object> r : declared.entrySet()) {
      int at = resourcesNode instanceof MappingNode rn ? keyLine(rn, r.getKey()) : line(node);
      resources.put(r.getKey(), mapOf(r.getValue(), file + ":" + at, r.getKey()));
      resourceLines.put(r.getKey(), at);
    }
    return new ModuleTestCase(file, line(node), name,
        node0 == null ? "test.example.com" : node0, facts, data,
        code == null ? "include '" + moduleName + "'" : code, error, count,
        strings(expect.get("classes"), where, "expect.classes"), resources, resourceLines,
        strings(expect.get("absent"), where, "expect.absent"));
  }

  private static void checkKeys(String file, MappingNode mapping, Set<String> allowed,
      String what) throws SpecException {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && !allowed.contains(k.getValue())) {
        throw new SpecException(file + ":" + line(k), "unknown key '" + k.getValue() + "' in "
            + what + " (it takes " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  private static Node valueNode(MappingNode mapping, String key) {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t.getValueNode();
      }
    }
    return null;
  }

  private static int keyLine(MappingNode mapping, String key) {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return line(k);
      }
    }
    return line(mapping);
  }

  private static String string(Object v, String where, String what) throws SpecException {
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new SpecException(where, "'" + what + "' must be a single value");
    }
    return String.valueOf(v);
  }

  private static Map<String, Object> mapOf(Object v, String where, String what)
      throws SpecException {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new SpecException(where, "'" + what + "' must be a mapping");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, x) -> out.put(String.valueOf(k), x));
    return out;
  }

  private static List<String> strings(Object v, String where, String what)
      throws SpecException {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      return List.of(String.valueOf(v));
    }
    List<String> out = new ArrayList<>();
    for (Object x : l) {
      if (x instanceof Map || x instanceof List) {
        throw new SpecException(where, "'" + what + "' must list names");
      }
      out.add(String.valueOf(x));
    }
    return out;
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }
}
