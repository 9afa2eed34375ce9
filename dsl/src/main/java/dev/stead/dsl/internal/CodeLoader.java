package dev.stead.dsl.internal;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.module.DependencyCheck;
import dev.stead.dsl.module.ModuleMetadata;
import dev.stead.proto.v1.CompileError;
import dev.stead.wire.ConfinedFiles;
import groovy.lang.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;

/**
 * Finds and compiles an environment or a masterless manifest with its modules, once. Every
 * syntax error and sandbox refusal in every file is collected before failing. Each script
 * is compiled under a unique synthetic file name so that stack traces map back to exactly
 * one relative name, whatever the manifest files are called.
 *
 * <p>Every file read lies inside the real path of its module (a module's files) or of the
 * environment (site.groovy, data.yaml, data/, modules/), links followed only while they stay
 * there; a module directory may be a link only inside the directory of modules listing it.
 * The operator names the bounds (the environment, each module path entry, a masterless
 * manifest); code cannot widen them.
 */
public final class CodeLoader {
  /** The directories a module may have; the code version covers exactly these. */
  static final List<String> MODULE_PARTS =
      List.of("manifests", "functions", "templates", "files", "data", "facts.d");
  /** Compiled names of functions files start so; {@link FunctionsFileCheck} knows them by it. */
  static final String FUNCTIONS_PREFIX = "SteadFn";

  private final KlassParameterRewriter rewriter = new KlassParameterRewriter();
  private final ScriptClassLoader loader =
      new ScriptClassLoader(SteadScript.class.getClassLoader(), Sandbox.forManifests(rewriter));
  /** Defined type names per compiled file name, from the compile or the class cache. */
  private final Map<String, List<String>> typesBySource = new HashMap<>();
  /** Where this load's classes are kept (null: nowhere), what it held, what this load made. */
  private final Path cacheFile;
  private final ClassCacheFile cached;
  private final List<ClassCacheFile.Entry> entries = new ArrayList<>();
  private String chainKey;
  private int fromCache;
  private final Map<String, String> definedTypeOrigins = new HashMap<>();
  private final Map<String, String> scriptFiles = new HashMap<>();
  private final Map<String, String> scriptModules = new HashMap<>();
  private final List<CompileError> errors = new ArrayList<>();
  private final List<CodeVersion.Input> versionInputs = new ArrayList<>();

  private CodeLoader(Path cacheFile) {
    String identity = cacheFile == null ? "" : CompilerIdentity.value();
    this.cacheFile = identity.isEmpty() ? null : cacheFile;
    this.cached = this.cacheFile == null ? null : ClassCacheFile.read(this.cacheFile);
    this.chainKey = identity;
  }

  public static CodeBase environment(Path codeDir, List<Path> modulePath)
      throws CompileException {
    return environment(codeDir, modulePath, null);
  }

  /**
   * As {@link #environment(Path, List)}, keeping the compiled classes in {@code cacheDir}
   * (null: nowhere) and defining them from there when the code and the compiler are the
   * same as when they were kept: what a restarted master does instead of compiling again.
   */
  public static CodeBase environment(Path codeDir, List<Path> modulePath, Path cacheDir)
      throws CompileException {
    Path dir = codeDir.toAbsolutePath().normalize();
    Path site = dir.resolve("site.groovy");
    if (!Files.isRegularFile(site)) {
      throw new CompileException(List.of(CompileError.newBuilder()
          .setLocation(Locations.at("site.groovy", 0))
          .setMessage("no site.groovy in environment " + dir).build()));
    }
    return inEnvironment(dir, new CodeFile(site, "site.groovy", dir,
        LinkEscapes.outsideEnvironment("site.groovy")), true, modulePath,
        cacheDir == null ? null : ClassCacheFile.fileFor(cacheDir, dir, modulePath));
  }

  /**
   * A masterless manifest: its directory is its environment, as {@link #environment} reads
   * one (data.yaml, data/, modules/ before the module path, the same code version and
   * environment name), so {@code ENV/site.groovy} applied gives the catalog the master gives;
   * only a node that matches no block is not an error here.
   */
  public static CodeBase manifest(Path manifest, List<Path> modulePath) throws CompileException {
    Path file = manifest.toAbsolutePath().normalize();
    String name = file.getFileName().toString();
    if (!Files.isRegularFile(file)) {
      throw new CompileException(List.of(CompileError.newBuilder()
          .setLocation(Locations.at(name, 0))
          .setMessage("manifest " + file + " does not exist").build()));
    }
    // The operator named this file: it is read wherever it is, links and all.
    return inEnvironment(file.getParent(), new CodeFile(file, name, null, null), false,
        modulePath, null);
  }

  private static CodeBase inEnvironment(Path dir, CodeFile main, boolean nodeRequired,
      List<Path> modulePath, Path cacheFile) throws CompileException {
    List<Root> roots = new ArrayList<>();
    Path modules = dir.resolve("modules");
    // A module path entry naming this very directory keeps the name the operator gave it.
    if (modulePath.stream().noneMatch(p -> p.toAbsolutePath().normalize().equals(modules))) {
      roots.add(new Root(modules, "modules/", "env/modules/", dir));
    }
    addModulePath(roots, modulePath);
    CodeLoader l = new CodeLoader(cacheFile);
    l.versionInputs.add(new CodeVersion.Input("env/" + main.relativeName(), main.file(),
        main.bound()));
    Path config = dir.resolve(DataHierarchy.CONFIG);
    if (Files.isRegularFile(config)) {
      l.versionInputs.add(new CodeVersion.Input("env/" + DataHierarchy.CONFIG, config, dir));
    }
    l.addTree(dir, dir.resolve("data"), "env/data/");
    return l.load(dir.getFileName() == null ? "" : dir.getFileName().toString(), main,
        nodeRequired, roots, CodeVersion.gitCommit(dir), dir);
  }

  /**
   * A directory of modules; each module in it must lie inside it, and it inside
   * {@code bound} (the environment for its modules/, itself for a module path entry).
   */
  private record Root(Path dir, String relativePrefix, String versionPrefix, Path bound) {}

  /** A script to read from inside {@code bound} (null: anywhere), else {@code escape}. */
  private record CodeFile(Path file, String relativeName, Path bound, String escape) {}

  private static void addModulePath(List<Root> roots, List<Path> modulePath) {
    for (int i = 0; i < modulePath.size(); i++) {
      Path dir = modulePath.get(i).toAbsolutePath().normalize();
      roots.add(new Root(dir, "", "path" + i + "/", dir));
    }
  }

  private CodeBase load(String environment, CodeFile mainFile, boolean nodeRequired,
      List<Root> roots, String gitCommit, Path envDir) throws CompileException {
    CompiledScript main = compile(mainFile);
    Map<String, ModuleCode> modules = new LinkedHashMap<>();
    Map<String, Optional<ModuleMetadata>> metadata = new LinkedHashMap<>();
    for (Root root : roots) {
      if (Files.isDirectory(root.dir()) && !ConfinedFiles.isInside(root.bound(), root.dir())) {
        String shown = root.relativePrefix().replaceAll("/$", "");
        errors.add(error(shown, 0, LinkEscapes.outsideEnvironment(shown)));
        continue;
      }
      for (Path listed : list(root.dir())) {
        String name = listed.getFileName().toString();
        if (modules.containsKey(name) || !isModule(listed)) {
          continue;
        }
        String prefix = root.relativePrefix() + name + "/";
        Path moduleDir;
        try {
          moduleDir = ConfinedFiles.resolve(root.dir(), listed);
        } catch (IOException e) {
          String shown = root.relativePrefix() + name;
          errors.add(error(shown, 0, e instanceof ConfinedFiles.OutsideBound
              ? LinkEscapes.outsideModuleRoot(shown) : "cannot read: " + e.getMessage()));
          continue;
        }
        List<CompiledScript> manifests = new ArrayList<>();
        java.util.Set<String> definedTypes = new java.util.TreeSet<>();
        for (Path m : groovyFiles(moduleDir.resolve("manifests"))) {
          String rel = prefix + "manifests/"
              + moduleDir.resolve("manifests").relativize(m).toString().replace('\\', '/');
          CompiledScript compiled =
              compile(new CodeFile(m, rel, moduleDir, LinkEscapes.outsideModule(rel, name)));
          if (compiled != null) {
            manifests.add(compiled);
            for (String type : typesBySource.get(compiled.sourceName())) {
              String first = definedTypeOrigins.putIfAbsent(type, rel);
              if (first != null) {
                errors.add(error(rel, 0, "defined type '" + type + "' is also declared in "
                    + first + " (defined type names are global: prefix them with the module)"));
              }
              definedTypes.add(type);
            }
          }
        }
        manifests.forEach(m -> scriptModules.put(m.sourceName(), name));
        Map<String, CompiledScript> functions = new java.util.TreeMap<>();
        for (Path f : groovyFiles(moduleDir.resolve("functions"))) {
          String rel = prefix + "functions/"
              + moduleDir.resolve("functions").relativize(f).toString().replace('\\', '/');
          CompiledScript compiled = compile(new CodeFile(f, rel, moduleDir,
              LinkEscapes.outsideModule(rel, name)), FUNCTIONS_PREFIX);
          if (compiled == null) {
            continue;
          }
          scriptModules.put(compiled.sourceName(), name);
          for (String function : functionNames(compiled.type())) {
            CompiledScript first = functions.putIfAbsent(function, compiled);
            if (first != null) {
              errors.add(error(rel, 0, "function '" + function + "' of module '" + name
                  + "' is also defined in " + first.relativeName()));
            }
          }
        }
        modules.put(name, new ModuleCode(name, moduleDir, prefix, manifests, definedTypes,
            functions));
        for (String part : MODULE_PARTS) {
          addTree(moduleDir, moduleDir.resolve(part),
              root.versionPrefix() + name + "/" + part + "/");
        }
        metadata.put(name, metadata(moduleDir, name, prefix, root.versionPrefix()));
      }
    }
    // A module.yaml that cannot be read is reported already; checking others against it
    // would only add errors that follow from that one.
    List<DependencyCheck.Violation> unmet = errors.stream()
        .anyMatch(e -> e.getLocation().getFile().endsWith("/" + ModuleMetadata.FILE))
        ? List.of() : DependencyCheck.check(metadata);
    for (DependencyCheck.Violation v : unmet) {
      errors.add(error(modules.get(v.module()).relativePrefix() + ModuleMetadata.FILE, v.line(),
          v.message()));
    }
    // The data is read while other threads build the metaclasses (most of a cached load).
    MetaClassPins.Batch pins = errors.isEmpty()
        ? MetaClassPins.pinAll(loader.getLoadedClasses(), loader) : null;
    DataHierarchy data = DataHierarchy.load(envDir, modules, errors);
    if (pins != null) {
      pins.finish();
    }
    if (!errors.isEmpty()) {
      throw new CompileException(errors);
    }
    if (cacheFile != null && (fromCache < entries.size() || cached.size() != entries.size())) {
      ClassCacheFile.write(cacheFile, entries);
    }
    Map<String, ModuleCode> frozen = Map.copyOf(modules);
    Templates templates = new Templates(n -> java.util.Optional.ofNullable(frozen.get(n)),
        SteadScript.class.getClassLoader(), TemplateClassCache.beside(cacheFile));
    String version = gitCommit != null ? gitCommit : CodeVersion.hash(versionInputs);
    return new CodeBase(environment, main, nodeRequired, frozen, scriptFiles, scriptModules,
        templates, version, data, new SourceChecksums(), fromCache);
  }

  /**
   * The module's module.yaml, read from inside the module like its other files; a malformed
   * one is an error at its line, and counts as absent for the dependency check.
   */
  private Optional<ModuleMetadata> metadata(Path moduleDir, String name, String prefix,
      String versionPrefix) {
    Path file = moduleDir.resolve(ModuleMetadata.FILE);
    String shown = prefix + ModuleMetadata.FILE;
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      String text = ConfinedFiles.readString(moduleDir, file);
      versionInputs.add(new CodeVersion.Input(versionPrefix + name + "/" + ModuleMetadata.FILE,
          file, moduleDir));
      return Optional.of(ModuleMetadata.parse(text, name));
    } catch (ConfinedFiles.OutsideBound e) {
      errors.add(error(shown, 0, LinkEscapes.outsideModule(shown, name)));
    } catch (IOException e) {
      errors.add(error(shown, 0, "cannot read: " + e.getMessage()));
    } catch (ModuleMetadata.Problem e) {
      errors.add(error(shown, e.line(), e.getMessage()));
    }
    return Optional.empty();
  }

  private static boolean isModule(Path dir) {
    return MODULE_PARTS.stream().anyMatch(p -> Files.isDirectory(dir.resolve(p)))
        || Files.isRegularFile(dir.resolve(ModuleMetadata.FILE));
  }

  /** The functions a compiled functions file defines: its own public methods. */
  private static List<String> functionNames(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
      int mods = m.getModifiers();
      if (java.lang.reflect.Modifier.isPublic(mods) && !m.isSynthetic() && !m.isBridge()
          && !m.getName().equals("run") && !m.getName().equals("main")
          && !m.getName().startsWith("$") && !m.getName().contains("$")) {
        if (!names.contains(m.getName())) {
          names.add(m.getName());
        }
      }
    }
    return names;
  }

  private CompiledScript compile(CodeFile code) {
    return compile(code, "Stead");
  }

  private CompiledScript compile(CodeFile code, String namePrefix) {
    Path file = code.file();
    String relativeName = code.relativeName();
    String text;
    try {
      text = code.bound() == null ? Files.readString(file, StandardCharsets.UTF_8)
          : ConfinedFiles.readString(code.bound(), file);
    } catch (ConfinedFiles.OutsideBound e) {
      errors.add(error(relativeName, 0, code.escape()));
      return null;
    } catch (IOException e) {
      errors.add(error(relativeName, 0, "cannot read: " + e.getMessage()));
      return null;
    }
    String synthetic = namePrefix + scriptFiles.size() + "_"
        + file.getFileName().toString().replaceAll("\\.groovy$", "").replaceAll("\\W", "_")
        + ".groovy";
    scriptFiles.put(synthetic, relativeName);
    Class<?> type = null;
    String key = null;
    if (cacheFile != null) {
      key = chainKey = chain(chainKey, synthetic, relativeName, text);
      type = fromCache(key, synthetic);
    }
    try {
      if (type == null) {
        ScriptClassLoader.Compiled compiled = loader.compile(text, synthetic);
        type = compiled.type();
        List<String> types = List.copyOf(rewriter.definedTypesOf(synthetic));
        typesBySource.put(synthetic, types);
        if (key != null) {
          entries.add(new ClassCacheFile.Entry(key, synthetic, type.getName(), types,
              compiled.classes()));
        }
      }
      if (!Script.class.isAssignableFrom(type)) {
        errors.add(error(relativeName, 1, "a manifest must be a script, not a class definition"));
        return null;
      }
      return new CompiledScript(relativeName, synthetic, type.asSubclass(Script.class));
    } catch (MultipleCompilationErrorsException e) {
      for (Message m : e.getErrorCollector().getErrors()) {
        errors.add(toError(m, relativeName, text));
      }
      return null;
    } catch (RuntimeException e) {
      errors.add(error(relativeName, 0, "cannot compile: " + e.getMessage()));
      return null;
    }
  }

  /**
   * The script compiled as {@code synthetic} whose chain key is {@code key}, defined from
   * the class cache; null when the cache holds no such entry or its bytes do not define.
   */
  private Class<?> fromCache(String key, String synthetic) {
    ClassCacheFile.Entry hit = cached.match(entries.size(), key);
    if (hit == null || !hit.sourceName().equals(synthetic)) {
      return null;
    }
    try {
      Class<?> type = loader.define(hit.classes(), hit.mainClass());
      typesBySource.put(synthetic, hit.definedTypes());
      entries.add(hit);
      fromCache++;
      return type;
    } catch (LinkageError | RuntimeException e) {
      return null; // damaged or foreign bytes: compiled again, and the entry rewritten
    }
  }

  /** The chain key after {@code previous}: it covers every script compiled so far. */
  private static String chain(String previous, String synthetic, String relativeName,
      String text) {
    return ClassCacheFile.keyOf(previous, synthetic, relativeName, text);
  }

  private static CompileError toError(Message message, String relativeName, String source) {
    if (message instanceof SyntaxErrorMessage s) {
      if (s.getCause().getOriginalMessage().startsWith("sandbox: ")) {
        return error(relativeName, Math.max(s.getCause().getStartLine(), 0),
            s.getCause().getOriginalMessage());
      }
      return SyntaxErrors.of(s.getCause(), relativeName, source);
    }
    if (message instanceof ExceptionMessage e) {
      String text = String.valueOf(e.getCause().getMessage());
      if (text.startsWith("Method too large")) {
        // The JVM's 64 KB per method: long runs of declarations are split automatically
        // (LargeBlockSplitter), so this is a block of mostly other statements.
        text = "a block of code is too large for the JVM (over 64 KB of bytecode in one "
            + "method; long runs of resource declarations are split automatically, other "
            + "statements are not): move part of it into a class, a defined type or a loop";
      }
      return error(relativeName, 0, text);
    }
    java.io.StringWriter out = new java.io.StringWriter();
    message.write(new java.io.PrintWriter(out));
    return error(relativeName, 0, out.toString().trim());
  }

  private static CompileError error(String file, int line, String message) {
    return CompileError.newBuilder().setLocation(Locations.at(file, line))
        .setMessage(message).build();
  }

  /**
   * Adds the files under {@code dir} to the code version. A link leading outside
   * {@code bound} is left out unread: whatever reads it refuses it, naming it.
   */
  private void addTree(Path bound, Path dir, String versionPrefix) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(f -> Files.isRegularFile(f) && ConfinedFiles.isInside(bound, f)).sorted()
          .forEach(f -> versionInputs.add(new CodeVersion.Input(
              versionPrefix + dir.relativize(f).toString().replace('\\', '/'), f, bound)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> groovyFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".groovy"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
