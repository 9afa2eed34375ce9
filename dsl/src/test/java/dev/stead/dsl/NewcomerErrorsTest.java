package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mistakes a newcomer makes in the first hour, and what the compiler says to each. */
class NewcomerErrorsTest {
  @TempDir Path dir;

  /** The messages as CompileException prints them: file:line[:column]: message. */
  private String compile(String manifest) throws Exception {
    try {
      new Code(dir).file("m.groovy", manifest).manifest("m.groovy").compile("n1", Code.debian());
    } catch (CompileException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a compile error");
  }

  @Test
  void packageSaysToUsePkg() throws Exception {
    assertThat(compile("file('/x') { content 'x' }\npackage('nginx') { ensure 'latest' }\n"))
        .isEqualTo("m.groovy:2:1: 'package' is a reserved word in Groovy and cannot name a"
            + " resource: a Debian package is pkg, e.g. pkg('nginx')\n"
            + "    package('nginx') { ensure 'latest' }\n"
            + "    ^");
  }

  @Test
  void packageWithoutParenthesesToo() throws Exception {
    assertThat(compile("klass('web') {\n  package 'nginx'\n}\n"))
        .contains("a Debian package is pkg, e.g. pkg('nginx')");
  }

  @Test
  void aListAfterAParameterNameSaysToUseParentheses() throws Exception {
    assertThat(compile("user('bob') {\n  groups ['wheel']\n}\n")).isEqualTo(
        "m.groovy:2: 'groups' is a parameter of user[bob] but is read here as a value:"
            + " `groups [...]` means groups[...], an index into groups. Set a list with"
            + " parentheses: groups(['a', 'b']), or write groups = ['a', 'b']");
  }

  @Test
  void theSuggestedFormsWork() throws Exception {
    var catalog = new Code(dir).file("m.groovy",
        "user('bob') { groups(['wheel']) }\nuser('eve') { groups = ['adm'] }\n")
        .manifest("m.groovy").compile("n1", Code.debian());
    dev.stead.dsl.testkit.CatalogView.of(catalog).resource("user[bob]")
        .hasParameter("groups", List.of("wheel"));
  }

  @Test
  void settingAParameterThatAClassVariableShadowsExplainsIt() throws Exception {
    assertThat(compile("""
        define('vhost') { int port = 80 -> }
        klass('app') { int port = 80 ->
          vhost('shop') {
            port 8081
          }
        }
        include 'app'
        """)).isEqualTo("m.groovy:4:5: 'port' is a variable here (int: a parameter of the"
        + " enclosing class or defined type, or a local), so `port <value>` tries to call it."
        + " To set the parameter port of what you declare here, pass it in the declaration,"
        + " e.g. vhost('shop', port: 8081), or rename the variable\n"
        + "        port 8081\n"
        + "        ^");
  }

  @Test
  void callingAClosureVariableIsStillFine() throws Exception {
    new Code(dir).file("m.groovy", "def make = { file('/x') { content 'x' } }\nmake()\n")
        .manifest("m.groovy").compile("n1", Code.debian());
  }

  @Test
  void aSyntaxErrorGivesLineColumnAndTheLineWithACaretNotADump() throws Exception {
    assertThat(compile("file('/x') {\n  content 'x'\n  mode '0644\n}\n")).isEqualTo(
        "m.groovy:3:8: unexpected ' (a string that is not closed on this line?)\n"
            + "      mode '0644\n"
            + "           ^");
    String trailingComma = compile("file('/x') {\n  content 'x',\n}\nfile('/y') { content 'y' }\n");
    assertThat(trailingComma).startsWith("m.groovy:3:1: unexpected '}'\n    }\n    ^")
        .doesNotContain("\\n");
  }

  @Test
  void readingThroughNullSaysWhatWasRead() throws Exception {
    assertThat(compile("def settings = [:]\nfile('/x') { content settings.db.host }\n"))
        .isEqualTo("m.groovy:2: cannot read 'host': what it is read from is null (a fact or key"
            + " that is missing? ?. reads null instead)");
  }

  @Test
  void anUnclosedBraceSaysSo() throws Exception {
    assertThat(compile("node('web1') {\n    file('/etc/motd') { content 'x' \n"))
        .isEqualTo("m.groovy:3:1: unexpected end of the file: a { or ( is not closed");
  }

  @Test
  void aDuplicateInsideADefinedTypeNamesBothInstancesAndTheirCallSites() throws Exception {
    assertThat(compile("""
        define('vhost') { String port = '80' ->
          file('/etc/vhost.conf') { content port }
        }
        vhost('a')
        vhost('b')
        """)).isEqualTo("m.groovy:2: duplicate declaration of file[/etc/vhost.conf]: first"
        + " declared at m.groovy:2 in vhost[a] (declared at m.groovy:4), again at m.groovy:2 in"
        + " vhost[b] (declared at m.groovy:5)");
  }
}
