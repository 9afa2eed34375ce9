package dev.stead.dsl.module;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
 * What a module's {@code module.yaml} says about it: its name (which must be its directory's
 * name), version, one-line summary, and the modules it needs with the versions it accepts.
 * The file is optional; a module without one has no version and declares no dependencies.
 * Immutable.
 */
public record ModuleMetadata(String name, ModuleVersion version, String summary,
    List<Dependency> dependencies) {
  /** The file's name inside a module directory. */
  public static final String FILE = "module.yaml";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final List<String> KEYS = List.of("name", "version", "summary", "dependencies");

  public ModuleMetadata {
    dependencies = List.copyOf(dependencies);
  }

  /** Whether {@code name} may name a module: lower case letters, digits and _, from a letter. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /** One needed module: its name, the versions accepted, and the line it is written on. */
  public record Dependency(String name, VersionRange range, int line) {}

  /** A module.yaml that cannot be read or is not as described; {@link #line} 0 when unknown. */
  public static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public Problem(String message, int line) {
      super(message, null, false, false);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /**
   * The metadata of the module in {@code moduleDir}: empty when it has no module.yaml.
   *
   * @throws Problem when the file cannot be read, is malformed, or names another module
   */
  public static Optional<ModuleMetadata> read(Path moduleDir) throws Problem {
    Path file = moduleDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Problem("cannot read: " + e.getMessage(), 0);
    }
    Path dirName = moduleDir.toAbsolutePath().normalize().getFileName();
    return Optional.of(parse(text, dirName == null ? "" : dirName.toString()));
  }

  /**
   * Parses {@code text}, the module.yaml of the module in a directory named
   * {@code directoryName}.
   */
  public static ModuleMetadata parse(String text, String directoryName) throws Problem {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new Problem("invalid YAML: " + problem, mark == null ? 0 : mark.getLine() + 1);
    } catch (YAMLException e) {
      throw new Problem("invalid YAML: " + e.getMessage(), 0);
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new Problem("module.yaml must be a mapping with name, version, summary and "
          + "dependencies", root == null ? 1 : line(root));
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple t : mapping.getValue()) {
      String key = scalar(t.getKeyNode(), "a key");
      if (!KEYS.contains(key)) {
        throw new Problem("unknown key '" + key + "' (module.yaml takes " + String.join(", ",
            KEYS) + ")", line(t.getKeyNode()));
      }
      entries.put(key, t);
    }
    NodeTuple nameEntry = required(entries, "name", mapping);
    String name = scalar(nameEntry.getValueNode(), "'name'");
    if (!NAME.matcher(name).matches()) {
      throw new Problem("name '" + name + "' must be lower case letters, digits and _, "
          + "starting with a letter", line(nameEntry.getValueNode()));
    }
    if (!name.equals(directoryName)) {
      throw new Problem("name '" + name + "' differs from the module's directory '"
          + directoryName + "': a module is found by its directory, so they must be equal",
          line(nameEntry.getValueNode()));
    }
    NodeTuple versionEntry = required(entries, "version", mapping);
    ModuleVersion version;
    try {
      version = ModuleVersion.parse(scalar(versionEntry.getValueNode(), "'version'"));
    } catch (IllegalArgumentException e) {
      throw new Problem("version " + e.getMessage(), line(versionEntry.getValueNode()));
    }
    String summary = entries.containsKey("summary")
        ? scalar(entries.get("summary").getValueNode(), "'summary'").strip() : "";
    List<Dependency> dependencies = entries.containsKey("dependencies")
        ? dependencies(entries.get("dependencies").getValueNode(), name) : List.of();
    return new ModuleMetadata(name, version, summary, dependencies);
  }

  private static List<Dependency> dependencies(Node node, String self) throws Problem {
    if (node instanceof ScalarNode s && s.getValue().isEmpty()) {
      return List.of(); // "dependencies:" with nothing after it
    }
    if (!(node instanceof SequenceNode list)) {
      throw new Problem("'dependencies' must be a list of {name, version} entries", line(node));
    }
    List<Dependency> out = new ArrayList<>();
    for (Node item : list.getValue()) {
      if (!(item instanceof MappingNode entry)) {
        throw new Problem("a dependency must be a mapping with 'name' and 'version', e.g."
            + " {name: base, version: \">=1.0.0 <2.0.0\"}", line(item));
      }
      String name = null;
      VersionRange range = VersionRange.parse("*");
      for (NodeTuple t : entry.getValue()) {
        String key = scalar(t.getKeyNode(), "a key");
        switch (key) {
          case "name" -> name = scalar(t.getValueNode(), "a dependency's 'name'");
          case "version" -> {
            try {
              range = VersionRange.parse(scalar(t.getValueNode(), "a dependency's 'version'"));
            } catch (IllegalArgumentException e) {
              throw new Problem(e.getMessage(), line(t.getValueNode()));
            }
          }
          default -> throw new Problem("unknown key '" + key + "' in a dependency (it takes"
              + " name and version)", line(t.getKeyNode()));
        }
      }
      if (name == null || name.isBlank()) {
        throw new Problem("a dependency without 'name'", line(item));
      }
      if (name.equals(self)) {
        throw new Problem("module '" + self + "' depends on itself", line(item));
      }
      int at = line(item);
      String needed = name;
      if (out.stream().anyMatch(d -> d.name().equals(needed))) {
        throw new Problem("module '" + needed + "' is listed twice in dependencies", at);
      }
      out.add(new Dependency(needed, range, at));
    }
    return out;
  }

  private static NodeTuple required(Map<String, NodeTuple> entries, String key, Node at)
      throws Problem {
    NodeTuple t = entries.get(key);
    if (t == null) {
      throw new Problem("'" + key + "' is missing", line(at));
    }
    return t;
  }

  private static String scalar(Node node, String what) throws Problem {
    if (!(node instanceof ScalarNode s)) {
      throw new Problem(what + " must be a single value, not a list or mapping", line(node));
    }
    return s.getValue();
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }
}
