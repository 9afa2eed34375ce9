package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated manifests declare thousands of resources in one block; one Groovy method per block
 * would pass the JVM's 64 KB method limit ("Method too large") near a thousand declarations.
 */
class LargeManifestTest {
  private static final int N = 3_000;

  @TempDir Path dir;

  private CatalogView compile(String manifest) throws Exception {
    return CatalogView.of(new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  private static String declarations(String indent) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < N; i++) {
      s.append(indent).append("file('/srv/f").append(i)
          .append("', ensure: 'file', mode: '0644', content: 'line ").append(i).append("\\n')\n");
    }
    return s.toString();
  }

  @Test
  void thousandsOfDeclarationsInANodeBlockCompileWithTheirLines() throws Exception {
    CatalogView c = compile("node('default') {\n" + declarations("  ") + "}\n");
    c.hasResourceCount(N);
    // line 1 is node(...): resource i sits on line i + 2
    assertThat(c.resource("file[/srv/f0]").source()).isEqualTo("m.groovy:2");
    assertThat(c.resource("file[/srv/f2999]").source()).isEqualTo("m.groovy:3001");
    c.resource("file[/srv/f1234]").hasParameter("content", "line 1234\n");
  }

  @Test
  void thousandsOfDeclarationsAtTheTopOfAFileCompile() throws Exception {
    CatalogView c = compile(declarations(""));
    c.hasResourceCount(N);
    assertThat(c.resource("file[/srv/f2999]").source()).isEqualTo("m.groovy:3000");
  }

  @Test
  void localVariablesAndDelegatesStillResolveAcrossTheSplit() throws Exception {
    StringBuilder s = new StringBuilder("node('default') {\n  def account = 'www-data'\n");
    for (int i = 0; i < 1_000; i++) {
      s.append("  file('/srv/a").append(i).append("', owner: account, content: facts.os.family)\n");
    }
    s.append("  account = 'root'\n");
    for (int i = 0; i < 1_000; i++) {
      s.append("  file('/srv/b").append(i).append("') { owner account; requires file('/srv/a")
          .append(i).append("') }\n");
    }
    s.append("}\n");
    CatalogView c = compile(s.toString());
    c.hasResourceCount(2_000);
    c.resource("file[/srv/a999]").hasParameter("owner", "www-data")
        .hasParameter("content", "Debian");
    c.resource("file[/srv/b999]").hasParameter("owner", "root").requires("file[/srv/a999]");
  }

  @Test
  void aDuplicateAcrossChunksStillNamesBothLines() throws Exception {
    String manifest = declarations("") + "file('/srv/f7', content: 'again')\n";
    Compiler compiler = new Code(dir).file("m.groovy", manifest).manifest("m.groovy");
    assertThat(Code.errorsOf(() -> compiler.compile("n1", Code.debian())))
        .singleElement().asString().startsWith("m.groovy:3001: ").contains("m.groovy:8");
  }

  @Test
  void aBlockTooLargeToSplitSaysWhatToDo() throws Exception {
    StringBuilder s = new StringBuilder("node('default') {\n");
    for (int i = 0; i < 3_000; i++) { // declarations cannot be moved into a chunk
      s.append("  def v").append(i).append(" = ['a', 'b', 'c'].join('").append(i)
          .append("')\n");
    }
    s.append("}\n");
    Code code = new Code(dir).file("m.groovy", s.toString());
    assertThat(Code.errorsOf(() -> code.manifest("m.groovy").compile("n1", Code.debian())))
        .singleElement().asString().startsWith("m.groovy")
        .contains("too large for the JVM").contains("move part of it");
  }
}
