package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stead module new|test|list} as a module author runs them, outside this repository. */
class ModuleCommandTest {
  @TempDir Path work;

  @Test
  void aNewModulesTestPassesAndFailsClearlyOnceTheModuleBreaks() throws Exception {
    InProcess created = InProcess.run("module", "new", "webcache", "--dir",
        work.resolve("src").toString());
    assertThat(created.exitCode()).as(created.toString()).isZero();
    Path module = work.resolve("src/webcache");
    assertThat(module.resolve("module.yaml")).content().contains("name: webcache\n");
    assertThat(module.resolve("manifests/init.groovy")).content().contains("klass('webcache')");
    assertThat(module.resolve("tests/webcache.yaml")).exists();

    InProcess passed = InProcess.run("module", "test", module.toString());
    assertThat(passed.exitCode()).as(passed.toString()).isZero();
    assertThat(passed.out()).contains("ok    the file holds the module's default setting\n")
        .contains("ok    data overrides the default\n")
        .contains("webcache: 2 cases, all passed");

    // The template loses the line the test expects: that case fails, naming what it expected.
    Files.writeString(module.resolve("templates/webcache.conf.erb"),
        "# Managed by Stead for <%= node %>\nvalue = <%= setting %>\n");
    InProcess broken = InProcess.run("module", "test", module.toString());
    assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
    assertThat(broken.out())
        .contains("FAIL  the file holds the module's default setting (tests/webcache.yaml:3)\n"
            + "      tests/webcache.yaml:6: file[/etc/webcache.conf]: expected content to "
            + "contain 'setting = default', got # Managed by Stead for test.example.com\n")
        .contains("webcache: 2 cases, 2 failed");

    // Code that no longer compiles: every case says where.
    Files.writeString(module.resolve("manifests/init.groovy"),
        "klass('webcache') { String setting ->\n  file('/etc/webcache.conf') { moed '0644' }\n}\n");
    InProcess unparsable = InProcess.run("module", "test", module.toString());
    assertThat(unparsable.exitCode()).isEqualTo(1);
    assertThat(unparsable.out()).contains("the compile failed:")
        .containsPattern("webcache/manifests/init.groovy:2: .*moed");
  }

  @Test
  void dependenciesComeFromTheModulePathGiven() throws Exception {
    InProcess.run("module", "new", "app", "--dir", work.toString());
    Files.writeString(work.resolve("app/module.yaml"), "name: app\nversion: 1.0.0\n"
        + "dependencies:\n  - name: base\n    version: \">=1.0.0 <2.0.0\"\n");
    InProcess missing = InProcess.run("module", "test", work.resolve("app").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.out()).contains("app/module.yaml:4: module 'app' depends on module "
        + "'base' >=1.0.0 <2.0.0, which is not on the module path");

    Path deps = work.resolve("deps");
    InProcess.run("module", "new", "base", "--dir", deps.toString());
    Files.writeString(deps.resolve("base/module.yaml"), "name: base\nversion: 1.3.0\n");
    InProcess met = InProcess.run("module", "test", work.resolve("app").toString(),
        "--modulepath", deps.toString());
    assertThat(met.exitCode()).as(met.toString()).isZero();
  }

  @Test
  void aMalformedSpecIsReportedAtItsLineBeforeAnythingRuns() throws Exception {
    InProcess.run("module", "new", "app", "--dir", work.toString());
    Files.writeString(work.resolve("app/tests/app.yaml"),
        "- name: one\n  expect:\n    resource:\n      file[/etc/app.conf]: {}\n");
    InProcess run = InProcess.run("module", "test", work.resolve("app").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("stead module test: tests/app.yaml:3: unknown key "
        + "'resource' in 'expect' (it takes absent, classes, count, resources)");
  }

  @Test
  void newRefusesBadNamesAndExistingDirectories() throws Exception {
    InProcess bad = InProcess.run("module", "new", "Web-Cache", "--dir", work.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("'Web-Cache' cannot name a module");
    Files.createDirectories(work.resolve("app"));
    InProcess exists = InProcess.run("module", "new", "app", "--dir", work.toString());
    assertThat(exists.exitCode()).isEqualTo(1);
    assertThat(exists.err()).contains("exists already");
    try (var left = Files.list(work)) {
      assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("app");
    }
  }

  @Test
  void listShowsVersionsSummariesAndDependenciesAndReportsUnmetOnes() throws Exception {
    Path env = work.resolve("env");
    Path modules = env.resolve("modules");
    InProcess.run("module", "new", "base", "--dir", modules.toString());
    InProcess.run("module", "new", "ntp", "--dir", modules.toString());
    Files.createDirectories(modules.resolve("legacy/manifests"));
    Files.writeString(modules.resolve("ntp/module.yaml"), "name: ntp\nversion: 1.2.0\n"
        + "summary: Keeps time\ndependencies:\n  - name: base\n    version: \">=1.0.0 <2.0.0\"\n");
    InProcess list = InProcess.run("module", "list", "--code", env.toString());
    assertThat(list.exitCode()).as(list.toString()).isEqualTo(1);
    assertThat(list.out()).contains("NAME    VERSION  SUMMARY")
        .containsPattern("base +0\\.1\\.0 +Manages base's configuration file +-\n")
        .containsPattern("legacy +- +- +-\n")
        .containsPattern("ntp +1\\.2\\.0 +Keeps time +base >=1\\.0\\.0 <2\\.0\\.0\n");
    assertThat(list.err()).contains("ntp/module.yaml:5: module 'ntp' depends on module 'base' "
        + ">=1.0.0 <2.0.0, but 'base' is version 0.1.0");

    Files.writeString(modules.resolve("base/module.yaml"), "name: base\nversion: 1.0.0\n");
    InProcess fixed = InProcess.run("module", "list", "--code", env.toString());
    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
  }
}
