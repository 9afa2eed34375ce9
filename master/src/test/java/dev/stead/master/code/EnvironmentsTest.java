package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environments from real code directories, compiled with the real language. */
class EnvironmentsTest {
  @TempDir Path code;

  private static String site(String content) {
    return "node('default') { file('/etc/motd') { content '" + content + "' } }\n";
  }

  private Environments environments() {
    // No wait between checks for changed code: each compile sees the files as they are.
    return new Environments(code, List.of(), new CompileSlots(1, Duration.ofSeconds(30)),
        Duration.ZERO, Clock.systemUTC());
  }

  private static Catalog compiled(CatalogSource source) {
    CompileOutcome outcome = source.compile("web1.test", Facts.getDefaultInstance());
    assertThat(outcome).isInstanceOf(CompileOutcome.Compiled.class);
    return ((CompileOutcome.Compiled) outcome).catalog();
  }

  private static String motd(Catalog catalog) {
    return catalog.getResources(0).getParametersMap().get("content").getStringValue();
  }

  @Test
  void aSingleLayoutCodeDirectoryIsProductionByThatName() throws Exception {
    Files.writeString(code.resolve("site.groovy"), site("single"));
    Catalog catalog = compiled(environments().source("production"));
    assertThat(catalog.getEnvironment()).isEqualTo("production");
    assertThat(motd(catalog)).isEqualTo("single");
  }

  @Test
  void eachEnvironmentCompilesItsOwnCodeAndIsReloadedOnChange() throws Exception {
    Files.writeString(code.resolve("site.groovy"), site("single"));
    Path staging = Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(staging.resolve("site.groovy"), site("staging"));
    Environments environments = environments();
    Catalog catalog = compiled(environments.source("staging"));
    assertThat(catalog.getEnvironment()).isEqualTo("staging");
    assertThat(motd(catalog)).isEqualTo("staging");
    assertThat(motd(compiled(environments.source("production")))).isEqualTo("single");

    Files.writeString(staging.resolve("site.groovy"), site("staging, edited"));
    Files.setLastModifiedTime(staging.resolve("site.groovy"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertThat(motd(compiled(environments.source("staging")))).isEqualTo("staging, edited");

    // Its own production directory wins over the code directory's top.
    Path production = Files.createDirectories(code.resolve("environments/production"));
    Files.writeString(production.resolve("site.groovy"), site("production"));
    assertThat(motd(compiled(environments.source("production")))).isEqualTo("production");
    assertThat(environments.moduleRoots("staging")).containsExactly(staging.resolve("modules"));
  }

  @Test
  void preloadLoadsEveryEnvironmentBeforeAnyCompileAndACodeErrorStaysTheCompileError()
      throws Exception {
    Files.writeString(code.resolve("site.groovy"), site("single"));
    Path staging = Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(staging.resolve("site.groovy"), "node('default') {\n  file('/x' {\n");
    Environments environments = environments();
    assertThat(environments.loaded("production")).isFalse();

    environments.preload();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(environments.loaded("production") && environments.loaded("staging"))) {
      assertThat(System.nanoTime()).as("both environments loaded within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(environments.codeVersion("production")).isPresent();
    assertThat(motd(compiled(environments.source("production")))).isEqualTo("single");

    // The same failure, file and line as a master that loads the code at the first compile.
    CompileOutcome preloaded = environments.source("staging")
        .compile("web1.test", Facts.getDefaultInstance());
    CompileOutcome atFirstCompile = environments().source("staging")
        .compile("web1.test", Facts.getDefaultInstance());
    assertThat(atFirstCompile).isInstanceOf(CompileOutcome.Failed.class);
    assertThat(preloaded).isInstanceOfSatisfying(CompileOutcome.Failed.class, failed -> {
      assertThat(failed.errors()).isEqualTo(((CompileOutcome.Failed) atFirstCompile).errors());
      assertThat(failed.errors().get(0).getLocation().getFile()).endsWith("site.groovy");
      assertThat(failed.errors().get(0).getLocation().getLine()).isPositive();
    });
  }

  @Test
  void aMissingEnvironmentFailsEveryCompileNamingItAndWhereItWasLookedFor() {
    CompileOutcome outcome = environments().source("qa")
        .compile("web1.test", Facts.getDefaultInstance());
    assertThat(outcome).isInstanceOfSatisfying(CompileOutcome.Failed.class, failed ->
        assertThat(failed.errors().get(0).getMessage()).contains("environment 'qa'")
            .contains(code.resolve("environments/qa").toString()));
    assertThat(environments().moduleRoots("qa")).isEmpty();
  }

  @Test
  void namesAreDirectoryNamesNeverPaths() {
    for (String good : List.of("production", "staging", "feature_1", "team-a")) {
      assertThat(Environments.nameProblem(good)).as(good).isNull();
    }
    for (String bad : List.of("", "..", "../production", "a/b", ".releases", "Prod", "-x")) {
      assertThat(Environments.nameProblem(bad)).as(bad).contains("an environment name is");
    }
  }

  @Test
  void theNodesClassificationDecidesNotItsFacts() throws Exception {
    Path staging = Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(staging.resolve("site.groovy"), site("staging"));
    Files.writeString(code.resolve("site.groovy"), site("single"));
    Map<String, String> assigned = Map.of("web2.test", "staging");
    CatalogSource source = new ClassifiedCatalogSource(environments(),
        node -> assigned.getOrDefault(node, "production"));
    Facts claims = Facts.newBuilder().putValues("environment",
        dev.stead.proto.v1.Value.newBuilder().setStringValue("staging").build()).build();
    CompileOutcome web1 = source.compile("web1.test", claims);
    CompileOutcome web2 = source.compile("web2.test", Facts.getDefaultInstance());
    assertThat(((CompileOutcome.Compiled) web1).catalog().getEnvironment())
        .isEqualTo("production");
    assertThat(((CompileOutcome.Compiled) web2).catalog().getEnvironment())
        .isEqualTo("staging");
  }
}
