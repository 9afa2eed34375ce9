package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.ModuleTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every module's {@code tests/*.yaml} as {@code stead module test} runs them, with this
 * repository's modules as the module path for dependencies: one test per module.
 */
class ModuleSpecsTest {
  @TestFactory
  Stream<DynamicTest> everyModulesYamlTestsPass() throws Exception {
    Path modules = ModuleFixture.modulesDir();
    List<Path> tested;
    try (Stream<Path> list = Files.list(modules)) {
      tested = list.filter(d -> Files.isDirectory(d.resolve("tests"))).sorted().toList();
    }
    assertThat(tested).extracting(p -> p.getFileName().toString()).contains("motd");
    return tested.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
        () -> {
          List<ModuleTestRunner.Result> results = new ModuleTestRunner(dir, List.of(modules))
              .run();
          assertThat(results).isNotEmpty();
          assertThat(results).filteredOn(r -> !r.passed())
              .extracting(r -> r.testCase().where() + " " + r.testCase().name() + ": "
                  + r.failure())
              .isEmpty();
        }));
  }
}
