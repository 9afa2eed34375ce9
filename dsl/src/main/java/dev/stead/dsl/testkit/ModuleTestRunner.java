package dev.stead.dsl.testkit;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs a module's YAML tests ({@link ModuleTestSpecs}) wherever the module lives: the module
 * is copied into a scratch module directory of its own (so nothing beside it is loaded), and
 * each case compiles a fresh environment there whose node block holds the case's code and
 * whose {@code data/common.yaml} holds the case's data. The modules it depends on come from
 * the module path given. Not thread-safe; one run at a time per instance.
 */
public final class ModuleTestRunner {
  /** One case's outcome; {@code failure} is null when it passed. */
  public record Result(ModuleTestCase testCase, String failure) {
    public boolean passed() {
      return failure == null;
    }
  }

  private final Path moduleDir;
  private final List<Path> modulePath;

  /**
   * @param moduleDir the module (its directory's name is its name)
   * @param modulePath directories of the modules it depends on, searched after it
   */
  public ModuleTestRunner(Path moduleDir, List<Path> modulePath) {
    this.moduleDir = moduleDir.toAbsolutePath().normalize();
    this.modulePath = List.copyOf(modulePath);
  }

  public String moduleName() {
    return moduleDir.getFileName().toString();
  }

  /**
   * Reads the specs and runs every case, in file order.
   *
   * @throws ModuleTestSpecs.SpecException when a spec is malformed or there are none
   */
  public List<Result> run() throws ModuleTestSpecs.SpecException, IOException {
    if (!Files.isDirectory(moduleDir)) {
      throw new ModuleTestSpecs.SpecException(moduleDir.toString(), "no such module directory");
    }
    if (!Files.isDirectory(moduleDir.resolve(ModuleTestSpecs.DIR))) {
      throw new ModuleTestSpecs.SpecException(moduleName() + "/" + ModuleTestSpecs.DIR,
          "the module has no tests: write cases in " + ModuleTestSpecs.DIR + "/*.yaml");
    }
    List<ModuleTestCase> cases = ModuleTestSpecs.read(moduleDir, moduleName());
    if (cases.isEmpty()) {
      throw new ModuleTestSpecs.SpecException(moduleName() + "/" + ModuleTestSpecs.DIR,
          "no test cases in " + ModuleTestSpecs.DIR + "/*.yaml");
    }
    Path scratch = Files.createTempDirectory("stead-module-test");
    try {
      Path modules = Files.createDirectories(scratch.resolve("modules"));
      copyTree(moduleDir, modules.resolve(moduleName()));
      List<Path> path = new ArrayList<>();
      path.add(modules);
      path.addAll(modulePath);
      List<Result> out = new ArrayList<>();
      int n = 0;
      for (ModuleTestCase c : cases) {
        Path env = Files.createDirectories(scratch.resolve("env" + n++));
        out.add(new Result(c, runOne(c, env, path)));
      }
      return out;
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static String runOne(ModuleTestCase c, Path env, List<Path> path) throws IOException {
    Files.writeString(env.resolve("site.groovy"), "node('default') {\n" + c.code() + "\n}\n",
        StandardCharsets.UTF_8);
    if (!c.data().isEmpty()) {
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.createDirectories(env.resolve("data"));
      Files.writeString(env.resolve("data/common.yaml"), new Yaml(options).dump(c.data()),
          StandardCharsets.UTF_8);
    }
    TestFacts facts = TestFacts.debian();
    for (Map.Entry<String, Object> f : c.facts().entrySet()) {
      facts = facts.with(f.getKey(), f.getValue() instanceof Integer i ? (long) i : f.getValue());
    }
    Catalog catalog;
    try {
      catalog = Compiler.forEnvironment(env, path).compile(c.node(), facts.toFacts());
    } catch (CompileException e) {
      if (c.error() != null && e.getMessage().contains(c.error())) {
        return null;
      }
      return (c.error() == null ? "the compile failed:\n" : "the compile failed, but not with '"
          + c.error() + "':\n") + indent(e.getMessage());
    }
    if (c.error() != null) {
      return "expected the compile to fail with '" + c.error() + "', but it compiled ("
          + catalog.getResourcesCount() + " resources)";
    }
    try {
      check(c, CatalogView.of(catalog));
      return null;
    } catch (AssertionError e) {
      return e.getMessage();
    }
  }

  private static void check(ModuleTestCase c, CatalogView catalog) {
    c.classes().forEach(catalog::includesClass);
    c.absent().forEach(catalog::hasNoResource);
    for (Map.Entry<String, Map<String, Object>> r : c.resources().entrySet()) {
      String at = c.file() + ":" + c.resourceLines().get(r.getKey()) + ": ";
      try {
        ResourceView view = catalog.resource(r.getKey());
        for (Map.Entry<String, Object> p : r.getValue().entrySet()) {
          expect(view, p.getKey(), p.getValue());
        }
      } catch (AssertionError e) {
        throw new AssertionError(at + e.getMessage(), e);
      }
    }
    if (c.count() >= 0) {
      catalog.hasResourceCount(c.count());
    }
  }

  /** One expectation: a relationship, tags, a fragment, unset (~), or an exact value. */
  private static void expect(ResourceView view, String name, Object want) {
    List<String> targets = want instanceof List<?> l
        ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(want));
    switch (name) {
      case "requires" -> targets.forEach(view::requires);
      case "before" -> targets.forEach(view::before);
      case "notifies" -> targets.forEach(view::notifies);
      case "subscribes" -> targets.forEach(view::subscribes);
      case "tags" -> view.tagged(targets.toArray(String[]::new));
      default -> {
        if (want == null) {
          view.hasNoParameter(name);
        } else if (want instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("contains")) {
          Object fragments = m.get("contains");
          for (Object f : fragments instanceof List<?> l ? l : List.of(fragments)) {
            view.parameterContains(name, String.valueOf(f));
          }
        } else {
          view.hasParameter(name, want);
        }
      }
    }
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** Copies the module's files (links as links: the loader judges them as it would in place). */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      // A scratch directory left behind in the temp directory harms nothing.
    }
  }
}
