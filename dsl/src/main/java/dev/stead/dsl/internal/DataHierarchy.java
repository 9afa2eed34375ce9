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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data hierarchy of an environment: its levels (from {@code ENV/data.yaml}, else
 * per node, per OS family, common) and every YAML file under {@code ENV/data/} and each
 * module's {@code data/common.yaml}, all parsed once when the code is loaded (the code
 * version covers them, so a change reloads the code). A lookup interpolates each level's
 * path for the node, then reads parsed values only: no file access per compile. Values are
 * merged ({@link DataMerge}), interpolated ({@link Interpolation}) and their default merge
 * set by {@code lookup_options} ({@link LookupOptions}) as Hiera 5 does.
 * Immutable and thread-safe.
 */
public final class DataHierarchy {
  /** The configuration file of the hierarchy, relative to the environment. */
  public static final String CONFIG = "data.yaml";

  /** One level: a name for humans and a path under {@code data/} with {@code %{...}} variables. */
  record Level(String name, String path, Interpolation parsed) {
    Level(String name, String path) {
      this(name, path, Interpolation.ofPath(path));
    }
  }

  private static final List<Level> DEFAULT_LEVELS = List.of(
      new Level("per node", "nodes/%{node}.yaml"),
      new Level("per OS family", "os/%{facts.os.family}.yaml"),
      new Level("common", "common.yaml"));

  /** What interpolation reads: the node name, its facts and its trusted data. */
  public record Scope(String node, Map<String, Object> facts, Map<String, Object> trusted) {}

  /** A lookup that cannot be made as asked (values that do not merge, a bad interpolation); the message names the key and file. */
  public static final class MergeProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final int line;
    private final String problem;

    MergeProblem(String message) {
      this(null, 0, message);
    }

    /** A problem with one key of one file: the message starts with {@code file:line:}. */
    MergeProblem(String file, int line, String problem) {
      super(file == null ? problem : file + ":" + line + ": " + problem, null, false, false);
      this.file = file;
      this.line = line;
      this.problem = problem;
    }

    /** The data file at fault, or null when the problem lies between several (a merge). */
    public String file() {
      return file;
    }

    public int line() {
      return line;
    }

    /** The message without the file and line. */
    public String problem() {
      return problem;
    }
  }

  /** One parsed data file: its values (without lookup_options), its lookup_options, and the keys whose values need interpolating. */
  private record DataFile(String file, Map<String, Object> values, LookupOptions options,
      Set<String> interpolated, Map<String, Integer> lines) {
    static DataFile of(String file, YamlData.Parsed parsed, String module,
        List<CompileError> errors) {
      Map<String, Object> values = new LinkedHashMap<>(parsed.values());
      LookupOptions options = LookupOptions.NONE;
      if (values.containsKey(LookupOptions.KEY)) {
        List<String> problems = new ArrayList<>();
        options = LookupOptions.parse(values.remove(LookupOptions.KEY), module, problems);
        for (String problem : problems) {
          errors.add(error(file, 0, problem));
        }
      }
      Set<String> interpolated = new HashSet<>();
      values.forEach((k, v) -> {
        if (Interpolation.needed(k) || Interpolation.needed(v)) {
          interpolated.add(k);
        }
      });
      return new DataFile(file, Collections.unmodifiableMap(values), options,
          Set.copyOf(interpolated), parsed.lines());
    }
  }

  private final List<Level> levels;
  private final Map<String, DataFile> environmentFiles;
  private final Map<String, DataFile> moduleFiles;
  private final List<CompileError> warnings;
  /**
   * By file as lookups name it, the line of each top-level key: asked once per data lookup
   * during a compile, so a map rather than a walk over every file.
   */
  private final Map<String, Map<String, Integer>> keyLines;

  private DataHierarchy(List<Level> levels, Map<String, DataFile> environmentFiles,
      Map<String, DataFile> moduleFiles, List<CompileError> warnings) {
    this.levels = List.copyOf(levels);
    this.environmentFiles = Map.copyOf(environmentFiles);
    this.moduleFiles = Map.copyOf(moduleFiles);
    this.warnings = List.copyOf(warnings);
    Map<String, Map<String, Integer>> lines = new HashMap<>();
    for (Map<String, DataFile> files : List.of(environmentFiles, moduleFiles)) {
      files.values().forEach(data -> lines.put(data.file(), data.lines()));
    }
    this.keyLines = Map.copyOf(lines);
  }

  /** What loading found worth changing that still works (the deprecated {@code ${...}} in paths). */
  public List<CompileError> warnings() {
    return warnings;
  }

  /**
   * The line of top-level {@code key} in {@code file} (named as {@link LookupExplanation.Step}
   * names it), 0 when unknown.
   */
  public int line(String file, String key) {
    return keyLines.getOrDefault(file, Map.of()).getOrDefault(key, 0);
  }

  /**
   * Reads the hierarchy of {@code envDir} and the data of {@code modules}, adding every
   * problem to {@code errors}. {@code envDir} is null for code without an environment (module
   * data only).
   */
  static DataHierarchy load(Path envDir, Map<String, ModuleCode> modules,
      List<CompileError> errors) {
    List<Level> levels = List.of();
    List<CompileError> warnings = new ArrayList<>();
    Map<String, DataFile> files = new LinkedHashMap<>();
    if (envDir != null) {
      levels = readLevels(envDir, errors, warnings);
      Path dataDir = envDir.resolve("data");
      for (Path f : yamlFiles(dataDir)) {
        String relative = dataDir.relativize(f).toString().replace('\\', '/');
        String shown = "data/" + relative;
        read(envDir, f, shown, LinkEscapes.outsideEnvironment(shown), errors)
            .ifPresent(parsed -> files.put(relative, DataFile.of(shown, parsed, null, errors)));
      }
    }
    Map<String, DataFile> moduleFiles = new LinkedHashMap<>();
    for (ModuleCode module : modules.values()) {
      Path f = module.dir().resolve("data").resolve("common.yaml");
      if (!Files.isRegularFile(f)) {
        continue;
      }
      String relative = module.relativePrefix() + "data/common.yaml";
      String escape = LinkEscapes.outsideModule(relative, module.name());
      read(module.dir(), f, relative, escape, errors).ifPresent(parsed -> {
        for (String key : parsed.values().keySet()) {
          if (!key.startsWith(module.name() + "::") && !key.equals(LookupOptions.KEY)) {
            errors.add(error(relative, 0, "module data may only hold keys of its own module, '"
                + module.name() + "::...', found '" + key + "'"));
          }
        }
        moduleFiles.put(module.name(), DataFile.of(relative, parsed, module.name(), errors));
      });
    }
    return new DataHierarchy(levels, files, moduleFiles, warnings);
  }

  private static List<Level> readLevels(Path envDir, List<CompileError> errors,
      List<CompileError> warnings) {
    Path config = envDir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return DEFAULT_LEVELS;
    }
    Optional<Map<String, Object>> parsed =
        read(envDir, config, CONFIG, LinkEscapes.outsideEnvironment(CONFIG), errors)
            .map(YamlData.Parsed::values);
    if (parsed.isEmpty()) {
      return DEFAULT_LEVELS;
    }
    Object hierarchy = parsed.get().get("hierarchy");
    if (!(hierarchy instanceof List<?> list) || list.isEmpty()) {
      errors.add(error(CONFIG, 0, "needs 'hierarchy:', a list of levels like "
          + "{name: 'per node', path: 'nodes/%{trusted.certname}.yaml'}"));
      return DEFAULT_LEVELS;
    }
    for (String key : parsed.get().keySet()) {
      if (!key.equals("hierarchy") && !key.equals("version")) {
        errors.add(error(CONFIG, 0, "unknown setting '" + key + "' (known: version, hierarchy)"));
      }
    }
    List<String> lines = configLines(config);
    List<Level> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
          || !(m.get("path") instanceof String path) || m.size() != 2) {
        errors.add(error(CONFIG, 0, "each hierarchy level needs exactly 'name' and 'path' "
            + "strings, got " + item));
        continue;
      }
      int line = lineOf(lines, path);
      String problem = checkPath(path);
      if (problem != null) {
        errors.add(error(CONFIG, line, "level '" + name + "': " + problem));
        continue;
      }
      if (Interpolation.usesDollar(path)) {
        warnings.add(error(CONFIG, line, "level '" + name + "': ${...} in '" + path
            + "' is deprecated; write %{...} as Hiera does: '"
            + path.replaceAll("\\$\\{([^{}]*)}", "%{$1}") + "'"));
      }
      out.add(new Level(name, path));
    }
    return out;
  }

  private static List<String> configLines(Path config) {
    try {
      return Files.readAllLines(config);
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // it was just read; a line number is only a help
    }
  }

  /** The first line holding {@code text}, 1-based; 0 when none does. */
  private static int lineOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    return 0;
  }

  private static String checkPath(String path) {
    if (!path.endsWith(".yaml")) {
      return "path '" + path + "' must end in .yaml";
    }
    if (path.startsWith("/") || Stream.of(path.split("/")).anyMatch(".."::equals)) {
      return "path '" + path + "' must stay inside data/";
    }
    for (String expression : Interpolation.ofPath(path).expressions()) {
      String problem = Interpolation.pathProblem(expression);
      if (problem != null) {
        return problem + " in '" + path + "'";
      }
    }
    return null;
  }

  /** {@code file}, read from inside {@code bound}; else {@code escape} is the error. */
  private static Optional<YamlData.Parsed> read(Path bound, Path file, String relative,
      String escape, List<CompileError> errors) {
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

  /**
   * One key of one data file as written, for checks made without a node (stead validate).
   *
   * @param interpolated true when the value holds {@code %{...}}: what it becomes depends on the node
   */
  public record Entry(String file, int line, String key, Object value, boolean interpolated) {}

  /** Every key of every data file (environment levels, then modules), lookup_options left out. */
  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    List<DataFile> all = new ArrayList<>(environmentFiles.values());
    all.addAll(moduleFiles.values());
    all.sort(java.util.Comparator.comparing(DataFile::file));
    for (DataFile f : all) {
      f.values().forEach((k, v) -> out.add(new Entry(f.file(), f.lines().getOrDefault(k, 0), k,
          v, f.interpolated().contains(k))));
    }
    return out;
  }

  // ---- lookup ----

  /**
   * Every level searched for {@code key}, in order, and the merged value. {@code strategy}
   * null: the key's {@code lookup_options} decide, else {@code first}.
   */
  public LookupExplanation lookup(String key, MergeStrategy strategy, Scope scope)
      throws MergeProblem {
    return lookup(key, strategy, scope, null);
  }

  /**
   * What one compile works out once and reuses for every lookup: the interpolated paths and
   * the combined lookup options (its node, facts and trusted data do not change). Confined to
   * the compile, like the scope it is used with.
   */
  static final class Paths {
    private final Map<String, Interpolated> byLevel = new HashMap<>();
    private final Map<String, LookupOptions> optionsByModule = new HashMap<>();
  }

  /** As above; {@code paths}, when given, keeps what {@code scope} makes of the hierarchy. */
  LookupExplanation lookup(String key, MergeStrategy strategy, Scope scope, Paths paths)
      throws MergeProblem {
    return new Resolver(scope, paths == null ? new Paths() : paths).explain(key, strategy);
  }

  private record Interpolated(String value, String problem) {}

  /** One lookup with the lookups its interpolations make; knows the keys in progress to stop a loop. */
  private final class Resolver implements Interpolation.Context {
    private final Scope scope;
    private final Paths paths;
    private final List<String> inProgress = new ArrayList<>();

    Resolver(Scope scope, Paths paths) {
      this.scope = scope;
      this.paths = paths;
    }

    @Override
    public String node() {
      return scope.node();
    }

    @Override
    public Map<String, Object> facts() {
      return scope.facts();
    }

    @Override
    public Map<String, Object> trusted() {
      return scope.trusted();
    }

    @Override
    public Object lookup(String key) throws Interpolation.Problem {
      LookupExplanation found;
      try {
        found = explain(key, null);
      } catch (MergeProblem p) {
        throw new Interpolation.Problem(p.getMessage());
      }
      // As in Hiera, a key with no data interpolates as empty text.
      return found.value().orElse(null);
    }

    LookupExplanation explain(String key, MergeStrategy asked) throws MergeProblem {
      if (inProgress.contains(key)) {
        throw new MergeProblem("recursive lookup: " + String.join(" -> ", inProgress) + " -> "
            + key);
      }
      inProgress.add(key);
      try {
        return explainOnce(key, asked);
      } finally {
        inProgress.remove(inProgress.size() - 1);
      }
    }

    private LookupExplanation explainOnce(String key, MergeStrategy asked) throws MergeProblem {
      List<Step> steps = new ArrayList<>();
      List<DataFile> stepFiles = new ArrayList<>();
      for (Level level : levels) {
        Interpolated path = paths.byLevel.computeIfAbsent(level.path(), p -> path(level));
        if (path.problem() != null) {
          steps.add(new Step(level.name(), "data/" + level.path(), Outcome.SKIPPED, null,
              path.problem()));
          stepFiles.add(null);
          continue;
        }
        String file = "data/" + path.value();
        DataFile data = environmentFiles.get(path.value());
        stepFiles.add(data);
        if (data == null) {
          steps.add(new Step(level.name(), file, Outcome.NO_FILE, null, ""));
        } else {
          steps.add(data.values().containsKey(key)
              ? new Step(level.name(), file, Outcome.FOUND, data.values().get(key), "")
              : new Step(level.name(), file, Outcome.KEY_ABSENT, null, ""));
        }
      }
      String module = moduleOf(key);
      DataFile moduleData = module == null ? null : moduleFiles.get(module);
      if (moduleData != null) {
        String level = "module " + module;
        stepFiles.add(moduleData);
        steps.add(moduleData.values().containsKey(key)
            ? new Step(level, moduleData.file(), Outcome.FOUND, moduleData.values().get(key), "")
            : new Step(level, moduleData.file(), Outcome.KEY_ABSENT, null, ""));
      }
      MergeStrategy strategy = asked;
      DeepOptions deep = DeepOptions.NONE;
      boolean fromOptions = false;
      if (strategy == null) {
        Optional<LookupOptions.Merge> set = options(module, stepFiles).mergeFor(key);
        fromOptions = set.isPresent();
        strategy = set.map(LookupOptions.Merge::strategy).orElse(MergeStrategy.FIRST);
        deep = set.map(LookupOptions.Merge::deep).orElse(DeepOptions.NONE);
      }
      // Interpolate the values the strategy uses (first: one), as Hiera reads no more.
      List<DataMerge.Found> found = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        if (s.outcome() != Outcome.FOUND
            || (strategy == MergeStrategy.FIRST && !found.isEmpty())) {
          continue;
        }
        Object value = value(stepFiles.get(i), key);
        steps.set(i, new Step(s.level(), s.file(), s.outcome(), value, s.note()));
        found.add(new DataMerge.Found(s.file(), value));
      }
      if (found.isEmpty()) {
        return new LookupExplanation(key, strategy, Optional.empty(), false, steps, fromOptions);
      }
      Object value = DataMerge.merge(key, strategy, deep, found);
      return new LookupExplanation(key, strategy, Optional.ofNullable(value), true, steps,
          fromOptions);
    }

    /** The lookup options of the levels this node reads, the module's beneath, as Hiera combines them. */
    private LookupOptions options(String module, List<DataFile> stepFiles) {
      String cacheKey = module == null ? "" : module;
      LookupOptions cached = paths.optionsByModule.get(cacheKey);
      if (cached != null) {
        return cached;
      }
      LookupOptions env = LookupOptions.NONE;
      for (int i = levels.size() - 1; i >= 0; i--) {
        DataFile f = i < stepFiles.size() ? stepFiles.get(i) : null;
        if (f != null) {
          env = f.options().over(env);
        }
      }
      DataFile moduleData = module == null ? null : moduleFiles.get(module);
      LookupOptions combined = moduleData == null ? env : env.over(moduleData.options());
      paths.optionsByModule.put(cacheKey, combined);
      return combined;
    }

    /** The file's value of {@code key}, interpolated for this node. */
    private Object value(DataFile data, String key) throws MergeProblem {
      Object raw = data.values().get(key);
      if (!data.interpolated().contains(key)) {
        return raw;
      }
      try {
        return DataMerge.freeze(interpolate(raw));
      } catch (Interpolation.Problem p) {
        throw new MergeProblem(data.file(), data.lines().getOrDefault(key, 0),
            "'" + key + "': " + p.getMessage());
      }
    }

    private Object interpolate(Object value) throws Interpolation.Problem {
      if (value instanceof String s) {
        return Interpolation.ofValue(s).evaluate(this);
      }
      if (value instanceof List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object item : list) {
          out.add(interpolate(item));
        }
        return out;
      }
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.put(String.valueOf(interpolate(String.valueOf(e.getKey()))),
              interpolate(e.getValue()));
        }
        return out;
      }
      return value;
    }

    private Interpolated path(Level level) {
      try {
        return new Interpolated(level.parsed().evaluatePath(this), null);
      } catch (Interpolation.Problem p) {
        return new Interpolated(null, p.getMessage());
      }
    }
  }

  private static String moduleOf(String key) {
    int separator = key.indexOf("::");
    return separator > 0 ? key.substring(0, separator) : null;
  }
}
