package dev.stead.dsl;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** String literals in a manifest mean what Groovy says they mean, escapes included. */
class StringLiteralTest {
  @TempDir Path dir;

  @Test
  void escapesInQuotedLiteralsGiveGroovysValues() throws Exception {
    CatalogView c = CatalogView.of(new Code(dir).file("m.groovy", """
        file('/a') { content 'one\\ntwo\\t\\'q\\' \\\\ \\s.' }
        file('/b') { content "dq\\n\\"x\\"" }
        file('/c') { content '\\u00e9\\101\\$' }
        file('/d') { content 'C:\\\\' }
        file('/e', content: '''tri\\nple''')
        """).manifest("m.groovy").compile("n1", Code.debian()));
    c.resource("file[/a]").hasParameter("content", "one\ntwo\t'q' \\  .");
    c.resource("file[/b]").hasParameter("content", "dq\n\"x\"");
    c.resource("file[/c]").hasParameter("content", "\u00e9A$");
    c.resource("file[/d]").hasParameter("content", "C:\\");
    c.resource("file[/e]").hasParameter("content", "tri\nple");
  }
}
