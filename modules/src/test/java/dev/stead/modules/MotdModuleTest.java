package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotdModuleTest {
  @TempDir Path env;
  Compiler compiler;

  @BeforeEach
  void load() throws Exception {
    compiler = ModuleFixture.environment(env, """
        node('web01.example.com') { include 'motd', message: 'hello from web01' }
        node('default') { include 'motd' }
        """);
  }

  @Test
  void rendersMessageNodeAndOsIntoMotd() throws Exception {
    CatalogView c = CatalogView.of(compiler.compile("web01.example.com",
        TestFacts.debian().toFacts()));
    c.matchedNode("web01.example.com").includesClass("motd");
    c.resource("file[/etc/motd]")
        .hasParameter("mode", "0644")
        .parameterContains("content", "hello from web01")
        .parameterContains("content", "node:   web01.example.com")
        .parameterContains("content", "system: Debian")
        .containedIn("motd");
  }

  @Test
  void defaultMessageWhenNotGiven() throws Exception {
    CatalogView c = CatalogView.of(compiler.compile("other.example.com",
        TestFacts.debian().toFacts()));
    c.matchedNode("default").resource("file[/etc/motd]").parameterContains("content", "Welcome");
  }

  @Test
  void debianGetsAMotdFragmentThatRequiresItsDirectory() throws Exception {
    CatalogView c = CatalogView.of(compiler.compile("web01.example.com",
        TestFacts.debian().toFacts()));
    c.resource("file[/etc/motd.d]").hasParameter("ensure", "directory");
    c.resource("file[/etc/motd.d/10-stead]")
        .requires("file[/etc/motd.d]")
        .parameterContains("content", "Debian node is managed by Stead");
  }

  @Test
  void otherFamiliesGetOnlyTheMotd() throws Exception {
    CatalogView c = CatalogView.of(compiler.compile("web01.example.com",
        TestFacts.redhat().toFacts()));
    c.hasNoResource("file[/etc/motd.d]").hasNoResource("file[/etc/motd.d/10-stead]")
        .hasResourceCount(1);
    c.resource("file[/etc/motd]").parameterContains("content", "system: RedHat");
  }

  @Test
  void resourcesPointAtTheModuleSource() throws Exception {
    CatalogView c = CatalogView.of(compiler.compile("web01.example.com",
        TestFacts.debian().toFacts()));
    assertThat(c.resource("file[/etc/motd]").source()).isEqualTo("motd/manifests/motd.groovy:3");
  }
}
