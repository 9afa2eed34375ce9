package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies made only of {@code name 'literal'} statements run without a closure class of their
 * own; what they declare, and the lines errors name, are those of a compiled closure.
 */
class LiteralBodyTest {
  @TempDir Path dir;

  private CatalogView compile(String manifest) throws Exception {
    return CatalogView.of(new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  private java.util.List<String> errors(String manifest) throws Exception {
    Compiler compiler = new Code(dir).file("m.groovy", manifest).manifest("m.groovy");
    return Code.errorsOf(() -> compiler.compile("n1", Code.debian()));
  }

  @Test
  void literalBodiesDeclareWhatTheNamedFormDeclares() throws Exception {
    CatalogView body = compile("""
        file('/etc/a') { ensure 'file'; content 'a\\n'; mode '0640' }
        file('/etc/b') {
          ensure 'directory'
          mode '0755'
        }
        file('/etc/c', owner: 'root') { content 'it\\'s' }
        """);
    CatalogView named = compile("""
        file('/etc/a', ensure: 'file', content: 'a\\n', mode: '0640')
        file('/etc/b',
          ensure: 'directory', mode: '0755')
        file('/etc/c', owner: 'root', content: 'it\\'s')
        """);
    for (String key : new String[] {"file[/etc/a]", "file[/etc/b]", "file[/etc/c]"}) {
      assertThat(body.resource(key).resource().getParametersMap())
          .isEqualTo(named.resource(key).resource().getParametersMap());
    }
    assertThat(body.resource("file[/etc/b]").source()).isEqualTo("m.groovy:2");
  }

  @Test
  void literalBodiesWorkInNodeBlocksClassesAndDefaults() throws Exception {
    CatalogView c = compile("""
        klass('web') {
          file('/srv/www') { ensure 'directory' }
        }
        node('n1') {
          defaults('file') { owner 'www-data' }
          include 'web'
          file('/srv/www/index.html') { content 'hi' }
        }
        """);
    c.resource("file[/srv/www]").hasParameter("ensure", "directory");
    c.resource("file[/srv/www/index.html]").hasParameter("content", "hi")
        .hasParameter("owner", "www-data");
    assertThat(c.resource("file[/srv/www/index.html]").source()).isEqualTo("m.groovy:7");
  }

  @Test
  void anUnknownParameterNamesTheLineOfItsStatement() throws Exception {
    assertThat(errors("""
        file('/etc/a') {
          ensure 'file'
          colour 'red'
        }
        """)).singleElement().asString()
        .startsWith("m.groovy:3: unknown parameter 'colour' for file[/etc/a]");
  }

  @Test
  void anExceptionFromAStatementNamesTheLineOfItsStatement() throws Exception {
    // helper takes an int: the call fails in the dispatch, with no user frame below it.
    assertThat(errors("""
        def helper(int n) { n }
        node('n1') {
          file('/etc/a') {
            ensure 'file'
            helper 'x'
          }
        }
        """)).singleElement().asString().startsWith("m.groovy:5: ");
  }

  @Test
  void aBadValueNamesTheLineOfItsStatement() throws Exception {
    assertThat(errors("""
        file('/etc/a') {
          ensure 'file'

          mode 'rw-r--r--'
        }
        """)).singleElement().asString().startsWith("m.groovy:4: ");
  }
}
