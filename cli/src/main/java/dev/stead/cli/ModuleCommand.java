package dev.stead.cli;

import dev.stead.dsl.module.DependencyCheck;
import dev.stead.dsl.module.ModuleMetadata;
import dev.stead.dsl.testkit.ModuleTestRunner;
import dev.stead.dsl.testkit.ModuleTestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "module", description = "Create, list and test modules.",
    subcommands = {ModuleCommand.New.class, ModuleCommand.ListModules.class,
        ModuleCommand.Test.class})
final class ModuleCommand {
  /** What makes a directory a module, as the code loader decides (module.yaml aside). */
  private static final List<String> PARTS =
      List.of("manifests", "functions", "templates", "files", "data");

  @Command(name = "new", description = {"Create a module skeleton: module.yaml, a class in "
      + "manifests/init.groovy, a template, a data default and a passing test in tests/.",
      "Its test runs with `stead module test DIR/NAME`."})
  static final class New implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The module's name (lower case letters, "
        + "digits and _, from a letter).")
    String name;

    @Option(names = "--dir", paramLabel = "D", description = "Where to create it "
        + "(default: the current directory).")
    Path dir = Path.of("");

    @Override
    public Integer call() throws IOException {
      if (!ModuleMetadata.isValidName(name)) {
        System.err.println("stead module new: '" + name + "' cannot name a module: use lower"
            + " case letters, digits and _, starting with a letter");
        return 1;
      }
      Path created = ModuleSkeleton.write(dir.toAbsolutePath().normalize(), name);
      System.out.println("created module " + name + " in " + created);
      System.out.println("test it with: stead module test " + created);
      return 0;
    }
  }

  @Command(name = "list", description = {"List the modules of an environment (its modules/, "
      + "then the module path) with version, summary and dependencies.",
      "A malformed module.yaml or an unmet dependency is reported and exits 1."})
  static final class ListModules implements Callable<Integer> {
    @Option(names = "--code", paramLabel = "DIR", description = "The environment "
        + "(default: ${DEFAULT-VALUE}).")
    Path code = Defaults.CODE;

    @Option(names = "--modulepath", split = ":", description = "More module directories, "
        + "colon-separated.")
    List<Path> modulePath = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      List<Path> roots = new ArrayList<>();
      roots.add(code.resolve("modules"));
      roots.addAll(modulePath);
      Map<String, Optional<ModuleMetadata>> found = new LinkedHashMap<>();
      Map<String, Path> dirs = new LinkedHashMap<>();
      List<String> problems = new ArrayList<>();
      for (Path root : roots) {
        for (Path dir : modules(root)) {
          String name = dir.getFileName().toString();
          if (found.containsKey(name)) {
            continue; // the first of a name wins, as when the code loads
          }
          dirs.put(name, dir);
          try {
            found.put(name, ModuleMetadata.read(dir));
          } catch (ModuleMetadata.Problem e) {
            problems.add(dir.resolve(ModuleMetadata.FILE) + ":" + e.line() + ": "
                + e.getMessage());
            found.put(name, Optional.empty());
          }
        }
      }
      Tables table = new Tables("NAME", "VERSION", "SUMMARY", "DEPENDENCIES");
      found.forEach((name, m) -> table.row(name,
          m.map(x -> x.version().toString()).orElse("-"),
          m.map(ModuleMetadata::summary).filter(s -> !s.isEmpty()).orElse("-"),
          m.map(x -> x.dependencies().stream().map(d -> d.name() + " " + d.range())
              .collect(Collectors.joining(", "))).filter(s -> !s.isEmpty()).orElse("-")));
      table.print(System.out);
      if (problems.isEmpty()) {
        for (DependencyCheck.Violation v : DependencyCheck.check(found)) {
          problems.add(dirs.get(v.module()).resolve(ModuleMetadata.FILE) + ":" + v.line() + ": "
              + v.message());
        }
      }
      problems.forEach(p -> System.err.println("stead module list: " + p));
      return problems.isEmpty() ? 0 : 1;
    }

    private static List<Path> modules(Path root) throws IOException {
      if (!Files.isDirectory(root)) {
        return List.of();
      }
      try (Stream<Path> list = Files.list(root)) {
        return list.filter(d -> Files.isDirectory(d)
                && (Files.exists(d.resolve(ModuleMetadata.FILE))
                    || PARTS.stream().anyMatch(p -> Files.isDirectory(d.resolve(p)))))
            .sorted().toList();
      }
    }
  }

  @Command(name = "test", description = {"Run a module's tests (its tests/*.yaml cases) "
      + "wherever the module lives, as in a module's own repository.",
      "Each case compiles the module for one node and checks the catalog; modules it depends"
          + " on come from --modulepath."})
  static final class Test implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The module's directory.")
    Path dir;

    @Option(names = "--modulepath", split = ":", description = "Directories of the modules it"
        + " depends on, colon-separated.")
    List<Path> modulePath = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      ModuleTestRunner runner = new ModuleTestRunner(dir, modulePath);
      List<ModuleTestRunner.Result> results;
      try {
        results = runner.run();
      } catch (ModuleTestSpecs.SpecException e) {
        System.err.println("stead module test: " + e.getMessage());
        return 1;
      }
      long failed = 0;
      for (ModuleTestRunner.Result r : results) {
        if (r.passed()) {
          System.out.println("ok    " + r.testCase().name());
        } else {
          failed++;
          System.out.println("FAIL  " + r.testCase().name() + " (" + r.testCase().where() + ")");
          r.failure().lines().forEach(l -> System.out.println("      " + l));
        }
      }
      System.out.println(runner.moduleName() + ": " + results.size() + " cases, "
          + (failed == 0 ? "all passed" : failed + " failed"));
      return failed == 0 ? 0 : 1;
    }
  }
}
