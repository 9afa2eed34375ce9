package dev.stead.dsl.internal;

import dev.stead.dsl.LookupExplanation;
import dev.stead.dsl.LookupExplanation.Outcome;
import dev.stead.dsl.LookupExplanation.Step;
import dev.stead.dsl.MergeStrategy;
import dev.stead.proto.v1.CompileError;
import dev.stead.wire.ConfinedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The data hierarchy of an environment: its levels (from {@code ENV/data.yaml}, else
 * per node, per OS family, common) and every YAML file under {@code ENV/data/} and each
 * module's {@code data/common.yaml}, all parsed once when the code is loaded (the code
 * version covers them, so a change reloads the code). A lookup interpolates each level's
 * path for the node, then reads parsed values only: no file access per compile.
 * Immutable and thread-safe.
 */
public final class DataHierarchy {
  /** The configuration file of the hierarchy, relative to the environment. */
  public static final String CONFIG = "data.yaml";

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern VARIABLE_NAME =
      Pattern.compile("node|facts(\\.[A-Za-z0-9_-]+)+|trusted\\.certname|trusted\\.extensions\\.[A-Za-z0-9_.-]+");

  /** One level: a name for humans and a path under {@code data/} with {@code ${...}} variables. */
  record Level(String name, String path) {}

  private static final List<Level> DEFAULT_LEVELS = List.of(
      new Level("per node", "nodes/${node}.yaml"),
      new Level("per OS family", "os/${facts.os.family}.yaml"),
      new Level("common", "common.yaml"));

  /** What interpolation reads: the node name, its facts and its trusted data. */
  public record Scope(String node, Map<String, Object> facts, Map<String, Object> trusted) {}

  /** A lookup that cannot be merged as asked; the message names the key and file. */
  public static final class MergeProblem extends Exception {
    private static final long serialVersionUID = 1L;

    MergeProblem(String message) {
      super(message, null, false, false);
    }
  }

  private record ModuleData(String file, Map<String, Object> values) {}

  private final List<Level> levels;
  private final Map<String, Map<String, Object>> environmentFiles;
  private final Map<String, ModuleData> moduleFiles;
  /** By file as lookups name it: the line of each top-level key. */
  private final Map<String, Map<String, Integer>> keyLines;

  private DataHierarchy(List<Level> levels, Map<String, Map<String, Object>> environmentFiles,
      Map<String, ModuleData> moduleFiles, Map<String, Map<String, Integer>> keyLines) {
    this.levels = List.copyOf(levels);
    this.environmentFiles = Map.copyOf(environmentFiles);
    this.moduleFiles = Map.copyOf(moduleFiles);
    this.keyLines = Map.copyOf(keyLines);
  }

  /**
   * The line of top-level {@code key} in {@code file} (named as {@link LookupExplanation.Step}
   * names it), 0 when unknown.
   */
  public int line(String file, String key) {
    return keyLines.getOrDefault(file, Map.of()).getOrDefault(key, 0);
  }

  /**
   * Reads the hierarchy of {@code envDir} (null for a masterless manifest: module data only)
   * and the data of {@code modules}, adding every problem to {@code errors}.
   */
  static DataHierarchy load(Path envDir, Map<String, ModuleCode> modules,
      List<CompileError> errors) {
    List<Level> levels = List.of();
    Map<String, Map<String, Object>> files = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> lines = new HashMap<>();
    if (envDir != null) {
      levels = readLevels(envDir, errors);
      Path dataDir = envDir.resolve("data");
      for (Path f : yamlFiles(dataDir)) {
        String relative = dataDir.relativize(f).toString().replace('\\', '/');
        String shown = "data/" + relative;
        readWithLines(envDir, f, shown, LinkEscapes.outsideEnvironment(shown), errors)
            .ifPresent(parsed -> {
              files.put(relative, parsed.values());
              lines.put(shown, parsed.keyLines());
            });
      }
    }
    Map<String, ModuleData> moduleFiles = new LinkedHashMap<>();
    for (ModuleCode module : modules.values()) {
      Path f = module.dir().resolve("data").resolve("common.yaml");
      if (!Files.isRegularFile(f)) {
        continue;
      }
      String relative = module.relativePrefix() + "data/common.yaml";
      String escape = LinkEscapes.outsideModule(relative, module.name());
      readWithLines(module.dir(), f, relative, escape, errors).ifPresent(parsed -> {
        Map<String, Object> values = parsed.values();
        lines.put(relative, parsed.keyLines());
        for (String key : values.keySet()) {
          if (!key.startsWith(module.name() + "::")) {
            errors.add(error(relative, 0, "module data may only hold keys of its own module, '"
                + module.name() + "::...', found '" + key + "'"));
          }
        }
        moduleFiles.put(module.name(), new ModuleData(relative, values));
      });
    }
    return new DataHierarchy(levels, files, moduleFiles, lines);
  }

  private static List<Level> readLevels(Path envDir, List<CompileError> errors) {
    Path config = envDir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return DEFAULT_LEVELS;
    }
    Optional<Map<String, Object>> parsed =
        read(envDir, config, CONFIG, LinkEscapes.outsideEnvironment(CONFIG), errors);
    if (parsed.isEmpty()) {
      return DEFAULT_LEVELS;
    }
    Object hierarchy = parsed.get().get("hierarchy");
    if (!(hierarchy instanceof List<?> list) || list.isEmpty()) {
      errors.add(error(CONFIG, 0, "needs 'hierarchy:', a list of levels like "
          + "{name: 'per node', path: 'nodes/${node}.yaml'}"));
      return DEFAULT_LEVELS;
    }
    for (String key : parsed.get().keySet()) {
      if (!key.equals("hierarchy") && !key.equals("version")) {
        errors.add(error(CONFIG, 0, "unknown setting '" + key + "' (known: version, hierarchy)"));
      }
    }
    List<Level> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
          || !(m.get("path") instanceof String path) || m.size() != 2) {
        errors.add(error(CONFIG, 0, "each hierarchy level needs exactly 'name' and 'path' "
            + "strings, got " + item));
        continue;
      }
      String problem = checkPath(path);
      if (problem != null) {
        errors.add(error(CONFIG, 0, "level '" + name + "': " + problem));
        continue;
      }
      out.add(new Level(name, path));
    }
    return out;
  }

  private static String checkPath(String path) {
    if (!path.endsWith(".yaml")) {
      return "path '" + path + "' must end in .yaml";
    }
    if (path.startsWith("/") || Stream.of(path.split("/")).anyMatch(".."::equals)) {
      return "path '" + path + "' must stay inside data/";
    }
    Matcher m = VARIABLE.matcher(path);
    while (m.find()) {
      if (!VARIABLE_NAME.matcher(m.group(1)).matches()) {
        return "unknown variable ${" + m.group(1) + "} in '" + path
            + "' (use ${node}, ${facts.NAME...}, ${trusted.certname})";
      }
    }
    return null;
  }

  /** {@code file}, read from inside {@code bound}; else {@code escape} is the error. */
  private static Optional<Map<String, Object>> read(Path bound, Path file, String relative,
      String escape, List<CompileError> errors) {
    return readWithLines(bound, file, relative, escape, errors).map(YamlData.Parsed::values);
  }

  private static Optional<YamlData.Parsed> readWithLines(Path bound, Path file,
      String relative, String escape, List<CompileError> errors) {
    try {
      return Optional.of(YamlData.read(bound, file));
    } catch (ConfinedFiles.OutsideBound e) {
      errors.add(error(relative, 0, escape));
      return Optional.empty();
    } catch (YamlData.Problem p) {
      errors.add(error(relative, p.line(), p.getMessage()));
      return Optional.empty();
    }
  }

  private static CompileError error(String file, int line, String message) {
    return CompileError.newBuilder().setLocation(Locations.at(file, line))
        .setMessage(message).build();
  }

  private static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".yaml"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- lookup ----

  /** Every level searched for {@code key}, in order, and the merged value. */
  public LookupExplanation lookup(String key, MergeStrategy strategy, Scope scope)
      throws MergeProblem {
    return lookup(key, strategy, scope, null);
  }

  /**
   * The levels' paths as one compile interpolates them: the same for every lookup of that
   * compile (its node, facts and trusted data do not change), so made once. Confined to the
   * compile, like the scope it is used with.
   */
  static final class Paths {
    private final Map<String, Interpolated> byLevel = new HashMap<>();
  }

  /** As above; {@code paths}, when given, keeps the interpolated paths of {@code scope}. */
  LookupExplanation lookup(String key, MergeStrategy strategy, Scope scope, Paths paths)
      throws MergeProblem {
    List<Step> steps = new ArrayList<>();
    for (Level level : levels) {
      Interpolated path = paths == null ? interpolate(level.path(), scope)
          : paths.byLevel.computeIfAbsent(level.path(), p -> interpolate(p, scope));
      if (path.problem() != null) {
        steps.add(new Step(level.name(), "data/" + level.path(), Outcome.SKIPPED, null,
            path.problem()));
        continue;
      }
      String file = "data/" + path.value();
      Map<String, Object> values = environmentFiles.get(path.value());
      if (values == null) {
        steps.add(new Step(level.name(), file, Outcome.NO_FILE, null, ""));
      } else if (!values.containsKey(key)) {
        steps.add(new Step(level.name(), file, Outcome.KEY_ABSENT, null, ""));
      } else {
        steps.add(new Step(level.name(), file, Outcome.FOUND, values.get(key), ""));
      }
    }
    int separator = key.indexOf("::");
    if (separator > 0) {
      ModuleData module = moduleFiles.get(key.substring(0, separator));
      if (module != null) {
        String level = "module " + key.substring(0, separator);
        steps.add(module.values().containsKey(key)
            ? new Step(level, module.file(), Outcome.FOUND, module.values().get(key), "")
            : new Step(level, module.file(), Outcome.KEY_ABSENT, null, ""));
      }
    }
    List<Step> found = steps.stream().filter(s -> s.outcome() == Outcome.FOUND).toList();
    if (found.isEmpty()) {
      return new LookupExplanation(key, strategy, Optional.empty(), false, steps);
    }
    Object value = merge(key, strategy, found);
    return new LookupExplanation(key, strategy, Optional.ofNullable(value), true, steps);
  }

  private static Object merge(String key, MergeStrategy strategy, List<Step> found)
      throws MergeProblem {
    switch (strategy) {
      case FIRST:
        return found.get(0).value();
      case UNIQUE: {
        LinkedHashSet<Object> out = new LinkedHashSet<>();
        for (Step s : found) {
          if (s.value() instanceof List<?> items) {
            out.addAll(items);
          } else if (s.value() instanceof Map) {
            throw new MergeProblem("merge 'unique' of '" + key + "' needs lists or scalars, but "
                + s.file() + " has a map");
          } else {
            out.add(s.value());
          }
        }
        return Collections.unmodifiableList(new ArrayList<>(out));
      }
      case HASH:
      case DEEP: {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = found.size() - 1; i >= 0; i--) {
          Step s = found.get(i);
          if (!(s.value() instanceof Map<?, ?> m)) {
            throw new MergeProblem("merge '" + strategy.label() + "' of '" + key
                + "' needs maps, but " + s.file() + " has " + YamlData.kind(s.value()));
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> map = (Map<String, Object>) m;
          if (strategy == MergeStrategy.HASH) {
            out.putAll(map);
          } else {
            deepMerge(out, map);
          }
        }
        return freeze(out);
      }
      default:
        throw new IllegalStateException("unhandled merge strategy " + strategy);
    }
  }

  /** Merges {@code higher} into {@code into}: maps recursively, anything else replaced. */
  private static void deepMerge(Map<String, Object> into, Map<String, Object> higher) {
    for (Map.Entry<String, Object> e : higher.entrySet()) {
      Object existing = into.get(e.getKey());
      if (existing instanceof Map<?, ?> a && e.getValue() instanceof Map<?, ?> b) {
        @SuppressWarnings("unchecked")
        Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) a);
        @SuppressWarnings("unchecked")
        Map<String, Object> more = (Map<String, Object>) b;
        deepMerge(merged, more);
        into.put(e.getKey(), merged);
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  private static Object freeze(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(out);
    }
    return value;
  }

  private record Interpolated(String value, String problem) {}

  /**
   * The level's path for this node, or why it cannot be made. A value that would leave its
   * directory ({@code /}, {@code ..}) skips the level: facts come from the node, and a node
   * must not be able to pick another node's file.
   */
  private static Interpolated interpolate(String path, Scope scope) {
    Matcher m = VARIABLE.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Object value = resolve(name, scope);
      if (value == null) {
        return new Interpolated(null, name + " is not set");
      }
      if (value instanceof Map || value instanceof List) {
        return new Interpolated(null, name + " is not a single value");
      }
      String text = String.valueOf(value);
      if (text.isEmpty() || text.contains("/") || text.contains("\\") || text.equals(".")
          || text.equals("..")) {
        return new Interpolated(null, name + " = '" + text + "' cannot be part of a file name");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    m.appendTail(out);
    return new Interpolated(out.toString(), null);
  }

  private static Object resolve(String name, Scope scope) {
    if (name.equals("node")) {
      return scope.node();
    }
    String[] parts = name.split("\\.");
    Object at = parts[0].equals("facts") ? scope.facts() : scope.trusted();
    for (int i = 1; i < parts.length && at != null; i++) {
      at = at instanceof Map<?, ?> map ? map.get(parts[i]) : null;
    }
    return at;
  }
}
