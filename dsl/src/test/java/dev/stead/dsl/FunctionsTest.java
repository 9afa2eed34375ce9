package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Catalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fail, warning, notice, defined and the notify resource. */
class FunctionsTest {
  @TempDir Path dir;

  private Catalog compile(String manifest) throws Exception {
    return new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian());
  }

  private List<String> errors(String manifest) throws Exception {
    Compiler c = new Code(dir).file("m.groovy", manifest).manifest("m.groovy");
    return Code.errorsOf(() -> c.compile("n1", Code.debian()));
  }

  @Test
  void failStopsTheCompileAtTheCallersLineInAModule() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/manifests/app.groovy", """
            klass('app') { String os ->
              if (os != 'Debian') {
                fail("app supports Debian only, not ${os}")
              }
            }
            """)
        .file("site.groovy", "node('default') {\n  include 'app', os: 'RedHat'\n}\n");
    Compiler c = code.environment();
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).containsExactly(
        "modules/app/manifests/app.groovy:3: app supports Debian only, not RedHat");
  }

  @Test
  void aCaughtFailStillFailsTheCompile() throws Exception {
    assertThat(errors("try { fail('no') } catch (e) { }\nfile('/x') { content 'x' }\n"))
        .containsExactly("m.groovy:1: no");
  }

  @Test
  void warningsAndNoticesTravelInTheCatalogWithTheirLines() throws Exception {
    Catalog c = compile("notice 'starting'\nfile('/x') { content 'x' }\n"
        + "if (facts.processors.count < 4) {\n  warning(\"only ${facts.processors.count} cpus\")\n}\n");
    assertThat(c.getCompileMessagesList()).containsExactly(
        "notice: m.groovy:1: starting", "warning: m.groovy:4: only 2 cpus");
  }

  @Test
  void definedAnswersForResourcesSoFarAndForClassesAndTypes() throws Exception {
    Catalog c = new Code(dir).file("m.groovy", """
        klass('web') { }
        def before = defined(file('/etc/a'))
        file('/etc/a') { content 'a' }
        pkg('curl')
        file('/etc/answers') {
          content "${before} ${defined(file('/etc/a'))} ${defined('file[/etc/a]')} \\
        ${defined('pkg[curl]')} ${defined('file[/nope]')} ${defined('web')} ${defined('nope')} \\
        ${defined('file')}"
        }
        """).manifest("m.groovy").compile("n1", Code.debian());
    CatalogView view = CatalogView.of(c);
    view.resource("file[/etc/answers]")
        .hasParameter("content", "false true true true false true false true");
    // Asking about a resource declares nothing.
    view.hasNoResource("file[/nope]").hasResourceCount(3);
  }

  @Test
  void notifyIsAResourceWhoseMessageDefaultsToItsTitle() throws Exception {
    CatalogView view = CatalogView.of(compile("""
        notify('hello')
        notify('greeting') { message 'hello, world' }
        klass('k') {
          notify("in a class on ${node}")
        }
        include 'k'
        file('/x') { content 'x'; requires notify('hello') }
        """));
    view.resource("notify[hello]");
    view.resource("notify[greeting]").hasParameter("message", "hello, world");
    view.resource("notify[in a class on n1]");
    assertThat(view.hasEdge("file[/x]", dev.stead.proto.v1.EdgeKind.REQUIRES, "notify[hello]"))
        .isTrue();
  }

  @Test
  void objectNotifyStaysRefusedInEveryOtherForm() throws Exception {
    for (String code : List.of("notify()", "this.notify('x')", "'s'.notify()",
        "notify('a', 'b')", "notify(message: 'x')", "def o = []\no.notify()")) {
      List<String> errors = Code.errorsOf(() -> new Code(dir).file("m.groovy", code + "\n")
          .manifest("m.groovy").compile("n1", Code.debian()));
      assertThat(errors).as(code).anySatisfy(e ->
          assertThat(e).contains("calling notify() is not allowed in Stead code"));
    }
  }
}
