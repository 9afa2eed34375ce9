package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateTest {
  @TempDir Path dir;

  @Test
  void rendersWithVariablesFactsAndNode() throws Exception {
    Path modules = dir.resolve("mp");
    new Code(modules)
        .file("ntp/templates/ntp.conf.tpl",
            "# ${node} ${facts.os.family}\n<% servers.each { %>server ${it}\n<% } %>");
    Code code = new Code(dir.resolve("env")).file("site.groovy", """
        file('/etc/ntp.conf', content: template('ntp/ntp.conf.tpl', servers: ['a', 'b']))
        """);
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"), List.of(modules));
    CatalogView.of(c.compile("n1", Code.debian())).resource("file[/etc/ntp.conf]")
        .hasParameter("content", "# n1 Debian\nserver a\nserver b\n");
  }

  @Test
  void missingTemplateAndMissingVariableAreErrors() throws Exception {
    Code code = new Code(dir)
        .file("modules/m/templates/t.tpl", "${nope}")
        .file("site.groovy", """
            file('/a', content: template('m/absent.tpl'))
            file('/b', content: template('m/t.tpl'))
            file('/c', content: template('m/../../site.groovy'))
            """);
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).containsExactly(
        "site.groovy:1: template 'm/absent.tpl' not found: no file m/templates/absent.tpl",
        "site.groovy:2: template m/templates/t.tpl: no variable 'nope' (pass it:"
            + " template('m/t.tpl', nope: ...))",
        "site.groovy:3: template 'm/../../site.groovy' leaves the module's templates/");
  }

  @Test
  void templateSyntaxErrorPointsIntoTheTemplate() throws Exception {
    Code code = new Code(dir)
        .file("modules/m/templates/t.tpl", "line one\n<% if (x { %>\n")
        .file("site.groovy", "file('/b', content: template('m/t.tpl', x: 1))\n");
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian())))
        .singleElement().asString().startsWith("m/templates/t.tpl:2: ");
  }

  @Test
  void templatesAreSandboxedToo() throws Exception {
    Code code = new Code(dir)
        .file("modules/m/templates/t.tpl", "home: ${System.getenv('HOME')}\n")
        .file("site.groovy", "file('/b', content: template('m/t.tpl'))\n");
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian())))
        .singleElement().asString().startsWith("m/templates/t.tpl:1: sandbox: use of java.lang.System");
  }
}
