package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeMatchingTest {
  @TempDir Path dir;
  Compiler compiler;

  @BeforeEach
  void load() throws Exception {
    compiler = new Code(dir).file("site.groovy", """
        node(~/^db\\d+/) { file('/etc/role', content: 'db pattern') }
        node('db1.example.com') { file('/etc/role', content: 'db1 exact') }
        node(~/^db1/) { file('/etc/role', content: 'second pattern') }
        node('default') { file('/etc/role', content: "default for ${node}") }
        """).environment();
  }

  private CatalogView compile(String node) throws Exception {
    return CatalogView.of(compiler.compile(node, Code.debian()));
  }

  @Test
  void exactNameWinsOverEarlierPattern() throws Exception {
    compile("db1.example.com").matchedNode("db1.example.com")
        .resource("file[/etc/role]").hasParameter("content", "db1 exact");
  }

  @Test
  void firstMatchingPatternInFileOrder() throws Exception {
    compile("db17.example.com").matchedNode("/^db\\d+/")
        .resource("file[/etc/role]").hasParameter("content", "db pattern");
  }

  @Test
  void defaultWhenNothingElseMatches() throws Exception {
    compile("web9").matchedNode("default")
        .resource("file[/etc/role]").hasParameter("content", "default for web9");
  }

  @Test
  void noMatchAndNoDefaultIsAnErrorNamingTheNode() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", "node('a') { }\n").environment();
    assertThat(Code.errorsOf(() -> c.compile("web01", Code.debian())))
        .containsExactly("site.groovy:0: no node block matches node 'web01' and there is no"
            + " node('default') block");
  }

  @Test
  void masterlessManifestNeedsNoNodeBlock() throws Exception {
    Compiler c = new Code(dir).file("apply.groovy", """
        file('/tmp/a', content: 'x')
        node('elsewhere') { file('/tmp/b', content: 'y') }
        """).manifest("apply.groovy");
    CatalogView v = CatalogView.of(c.compile("here", Code.debian()));
    v.matchedNode("").hasResourceCount(1).resource("file[/tmp/a]");
  }
}
