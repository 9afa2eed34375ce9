package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceFormsTest {
  @TempDir Path dir;

  private CatalogView compile(String manifest) throws Exception {
    return CatalogView.of(new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  @Test
  void closureAndNamedArgumentFormsGiveTheSameResource() throws Exception {
    CatalogView closure = compile("file('/etc/x') { ensure 'file'; content 'hi\\n'; mode '0644' }\n");
    CatalogView named = compile("file('/etc/x', ensure: 'file', content: 'hi\\n', mode: '0644')\n");
    assertThat(closure.resource("file[/etc/x]").resource().getParametersMap())
        .isEqualTo(named.resource("file[/etc/x]").resource().getParametersMap());
  }

  @Test
  void namedArgumentsAndBodyCombine() throws Exception {
    compile("file('/etc/x', mode: '0600') { content 'a' }\n")
        .resource("file[/etc/x]").hasParameter("mode", "0600").hasParameter("content", "a");
  }

  @Test
  void relationshipsBecomeEdgesNotParameters() throws Exception {
    CatalogView c = compile("""
        file('/a', ensure: 'directory')
        file('/b', content: 'b')
        file('/c') {
          content 'c'
          requires file('/a'), file('/b')
          notifies([file('/d')])
          noop true
        }
        file('/d', content: 'd', subscribes: file('/a'), before: 'file[/e]')
        file('/e', content: 'e')
        """);
    c.resource("file[/c]").requires("file[/a]").requires("file[/b]").notifies("file[/d]")
        .isNoop().hasNoParameter("requires");
    c.resource("file[/d]").subscribes("file[/a]").before("file[/e]");
  }

  @Test
  void bodyLessCallUsedAsReferenceIsNotDeclared() throws Exception {
    compile("""
        file('/etc/app', ensure: 'directory')
        file('/etc/app/conf', content: 'x', requires: file('/etc/app'))
        """).hasResourceCount(2);
  }

  @Test
  void bodyLessCallOnItsOwnDeclaresTheResource() throws Exception {
    compile("file('/etc/keep')\n").resource("file[/etc/keep]");
  }

  @Test
  void classesRecordContainersAndOrder() throws Exception {
    CatalogView c = compile("""
        klass('inner') { file('/i', content: 'i') }
        klass('outer') { int n = 2, String name ->
          include 'inner'
          file('/o', content: "${name} x${n}")
        }
        include 'outer', name: 'hello'
        include 'outer'
        include 'outer', name: 'hello'
        """);
    assertThat(c.catalog().getClassesList()).containsExactly("outer", "inner");
    c.resource("file[/o]").hasParameter("content", "hello x2").containedIn("outer");
    assertThat(c.resource("file[/i]").resource().getContainersList())
        .containsExactly("outer", "inner");
  }

  @Test
  void longFactFitsAnIntParameter() throws Exception {
    compile("""
        klass('w') { int workers -> file('/w', content: "${workers}") }
        include 'w', workers: facts.processors.count
        """).resource("file[/w]").hasParameter("content", "2");
  }

  @Test
  void factsAndNodeAreReadable() throws Exception {
    compile("file('/f', content: \"${node} ${facts.os.family} ${facts.processors.count + 1}\")\n")
        .resource("file[/f]").hasParameter("content", "n1 Debian 3");
  }

  @Test
  void userHelpersWorkInsideBodies() throws Exception {
    compile("""
        def banner(String s) { "== ${s} ==" }
        file('/b') { content banner('x') }
        """).resource("file[/b]").hasParameter("content", "== x ==");
  }

  /**
   * A declaration inside a closure records the line its call starts on, also when its
   * arguments span lines (the stack walk used to give the line of the last call among them);
   * a duplicate's error names both starting lines.
   */
  @Test
  void declarationsRecordTheLineTheyStartOn() throws Exception {
    String manifest = """
        [1].each {
          file('/a',
              content: 'x'.toUpperCase(),
              mode: '0644')
          file('/b') {
            content 'b'.toUpperCase()
          }
        }
        """;
    CatalogView c = compile(manifest);
    assertThat(c.resource("file[/a]").resource().getSource().getLine()).isEqualTo(2);
    assertThat(c.resource("file[/b]").resource().getSource().getLine()).isEqualTo(5);
    assertThat(Code.errorsOf(() -> new Code(dir).file("d.groovy", """
        [1].each {
          file('/a', content: 'a')
          file('/a',
              content: 'b'.toUpperCase())
        }
        """).manifest("d.groovy").compile("n1", Code.debian())))
        .containsExactly("d.groovy:3: duplicate declaration of file[/a]: first declared at "
            + "d.groovy:2, again at d.groovy:3");
  }
}
