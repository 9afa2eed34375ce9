package dev.stead.modules;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModuleTest {
  @TempDir Path env;
  Compiler compiler;

  @BeforeEach
  void load() throws Exception {
    compiler = ModuleFixture.environment(env, """
        node(~/^app\\d+/) { include 'base', app_setting: 'off' }
        node('default') { include 'base' }
        """);
  }

  private CatalogView compile(String node, TestFacts facts) throws Exception {
    return CatalogView.of(compiler.compile(node, facts.toFacts()));
  }

  @Test
  void managesDirectoryConfigAndLink() throws Exception {
    CatalogView c = compile("web01.example.com", TestFacts.debian());
    c.includesClass("base");
    c.resource("file[/etc/stead-demo]").hasParameter("ensure", "directory")
        .hasParameter("mode", "0755");
    c.resource("file[/etc/stead-demo/app.conf]")
        .hasParameter("mode", "0644")
        .parameterContains("content", "setting = on")
        .requires("file[/etc/stead-demo]");
    c.resource("file[/etc/stead-demo/current]")
        .hasParameter("ensure", "link")
        .hasParameter("target", "/etc/stead-demo/app.conf")
        .requires("file[/etc/stead-demo/app.conf]");
  }

  @Test
  void classParameterReachesTheConfig() throws Exception {
    compile("app7", TestFacts.debian()).matchedNode("/^app\\d+/")
        .resource("file[/etc/stead-demo/app.conf]")
        .parameterContains("content", "setting = off")
        .parameterContains("content", "node = app7");
  }

  @Test
  void tuningFollowsTheProcessorCount() throws Exception {
    compile("web01", TestFacts.debian().with("processors.count", 2))
        .resource("file[/etc/stead-demo/tuning.conf]")
        .hasParameter("content", "profile = small\nworkers = 2\n")
        .requires("file[/etc/stead-demo]");
    compile("web01", TestFacts.debian().with("processors.count", 16))
        .resource("file[/etc/stead-demo/tuning.conf]")
        .hasParameter("content", "profile = large\nworkers = 8\n");
  }

  @Test
  void missingProcessorFactFallsBackToOne() throws Exception {
    compile("web01", TestFacts.empty())
        .resource("file[/etc/stead-demo/tuning.conf]")
        .hasParameter("content", "profile = small\nworkers = 1\n");
  }

  @Test
  void bothModulesTogetherHaveNoConflicts() throws Exception {
    Compiler both = ModuleFixture.environment(env, "node('default') { include 'base'; include 'motd' }\n");
    CatalogView.of(both.compile("web01", TestFacts.debian().toFacts()))
        .includesClass("base").includesClass("motd").hasResourceCount(7);
  }
}
