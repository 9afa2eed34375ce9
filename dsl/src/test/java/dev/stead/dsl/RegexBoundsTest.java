package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import groovy.lang.GroovyShell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way Stead code can run a regular expression stops at the compile's time limit: a
 * pattern that backtracks catastrophically ({@code (a*)*\1b} on 40 a's and a '!', which
 * would run for hours) ends the compile with the time-limit error at its line, whichever
 * entry point it went through, and gives Groovy's own results otherwise.
 */
class RegexBoundsTest {
  private static final String STOPPED =
      "m.groovy:2: compile exceeded the time limit of 0.3 s and was stopped";

  @TempDir Path dir;

  private List<String> errors(String line2) {
    Code code = new Code(dir).file("m.groovy",
        "def s = 'a' * 40 + '!'; def r = /(a*)*\\1b/; def p = ~r\n" + line2 + "\n");
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Code.errorsOf(() ->
        code.manifest("m.groovy").withTimeLimit(Duration.ofMillis(300))
            .compile("n1", Code.debian())));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // the operators
      "file('/x', content: String.valueOf(s ==~ r))",
      "file('/x', content: String.valueOf((s =~ r).find()))",
      "file('/x', content: String.valueOf(s in p))",
      "file('/x', content: String.valueOf(!(s in p)))",
      "file('/x', content: s - p)",
      // switch and case
      "switch (s) { case ~/(a*)*\\1b/: file('/x', content: 'y'); break; default: file('/x', content: 'n') }",
      "def v = switch (s) { case p -> 'y'; default -> 'n' }; file('/x', content: v)",
      // Pattern and Matcher
      "file('/x', content: String.valueOf(p.matcher(s).matches()))",
      "file('/x', content: String.valueOf(java.util.regex.Pattern.compile(r).matcher(s).find()))",
      "file('/x', content: String.valueOf(java.util.regex.Pattern.matches(r, s)))",
      "file('/x', content: String.valueOf(p.split(s).length))",
      "file('/x', content: String.valueOf(p.isCase(s)))",
      "file('/x', content: String.valueOf(p.isNotCase(s)))",
      "def m = p.matcher(''); m.reset(s); file('/x', content: String.valueOf(m.matches()))",
      "def l = [s]; l.removeIf(p.asPredicate()); file('/x', content: String.valueOf(l))",
      "def l = [s]; l.removeIf(p.asMatchPredicate()); file('/x', content: String.valueOf(l))",
      // collections
      "file('/x', content: String.valueOf([s].grep(p)))",
      "file('/x', content: String.valueOf([s].grep(~/(a*)*\\1b/)))",
      "file('/x', content: String.valueOf(([s] as String[]).grep(p)))",
      // String and CharSequence methods, with a pattern or a regex string
      "file('/x', content: String.valueOf(s.matches(r)))",
      "file('/x', content: String.valueOf(s.matches(p)))",
      "file('/x', content: s.replaceAll(r, 'x'))",
      "file('/x', content: s.replaceAll(p, 'x'))",
      "file('/x', content: s.replaceAll(r) { 'x' })",
      "file('/x', content: s.replaceFirst(r, 'x'))",
      "file('/x', content: s.replaceFirst(p) { 'x' })",
      "file('/x', content: String.valueOf(s.split(r)))",
      "file('/x', content: String.valueOf(s.split(r, 2)))",
      "file('/x', content: String.valueOf(s.find(r)))",
      "file('/x', content: String.valueOf(s.find(p) { it }))",
      "file('/x', content: String.valueOf(s.findAll(r)))",
      "file('/x', content: String.valueOf(s.findAll(p) { it }))",
      "s.eachMatch(r) { }; file('/x', content: 'y')",
      "s.eachMatch(p) { }; file('/x', content: 'y')",
      "file('/x', content: s.minus(p))",
      "file('/x', content: String.valueOf(new StringBuilder(s).matches(p)))",
      "file('/x', content: new StringBuilder(s).replaceAll(p, 'x'))",
      "file('/x', content: String.valueOf(new StringBuilder(s).findAll(p)))",
      "file('/x', content: String.valueOf(s.toString().matches(r)))",
  })
  void catastrophicBacktrackingIsStoppedAtTheTimeLimit(String line2) {
    assertThat(errors(line2)).as(line2).containsExactly(STOPPED);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "s.splitEachLine(r) { }",
      "s.splitWithDelimiters(r, 0)",
  })
  void entryPointsWithoutABoundAreRefused(String line2) {
    assertThat(errors(line2 + "; file('/x', content: 'y')")).as(line2)
        .singleElement().asString().startsWith("m.groovy:2: sandbox: ");
  }

  @Test
  void aNodePatternIsBoundedToo() throws Exception {
    Code code = new Code(dir).file("site.groovy", """
        node(~/(a*)*\\1b/) { file('/x', content: 'y') }
        node('default') { file('/x', content: 'n') }
        """);
    String node = "a".repeat(40) + ".example.com";
    List<String> errors = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Code.errorsOf(
        () -> code.environment().withTimeLimit(Duration.ofMillis(300)).compile(node, Code.debian())));
    assertThat(errors).singleElement().asString().contains("time limit of 0.3 s");
  }

  /** The bounded entry points answer exactly what Groovy answers outside the sandbox. */
  @ParameterizedTest
  @ValueSource(strings = {
      "s ==~ /[a-c0-9]+/", "(s =~ /\\d+/).find()", "(s =~ /(\\d)(\\d)/)[0].join(',')", "s in ~/a.*/",
      "'z' in ~/a.*/", "!(s in ~/a.*/)", "s - ~/\\d+/", "s.minus(~/\\d+/)",
      "(~/\\d+/).matcher(s).matches()", "java.util.regex.Pattern.compile('\\\\d').matcher(s).find()",
      "java.util.regex.Pattern.matches('a.*', s)", "(~/\\d+/).split(s).toList()",
      "(~/\\d+/).split(s, 2).toList()", "(~/a.*/).isCase(s)", "(~/b.*/).isNotCase(s)",
      "{ def m = (~/\\d+/).matcher(''); m.reset(s); m.find() ? m.group() : 'none' }()",
      "{ def l = ['a1', 'bb', 'c3']; l.removeIf((~/\\d/).asPredicate()); l }()",
      "{ def l = ['a1', 'bb', '33']; l.removeIf((~/\\d+/).asMatchPredicate()); l }()",
      "['a1', 'bb', 'c3', null, 7].grep(~/.\\d/)", "(['a1', 'bb'] as String[]).grep(~/b+/)",
      "{ switch (s) { case ~/x.*/: return 'x'; case ~/a1.*/: return 'a1'; default: return '-' } }()",
      "{ switch ('q') { case ~/x.*/: return 'x'; case 'q': return 'q'; default: return '-' } }()",
      "s.matches(/[a-c0-9]+/)", "s.matches(~/a.*/)", "s.matches('b.*')",
      "s.replaceAll(/\\d+/, '#')", "s.replaceAll(~/\\d+/, '#')", "s.replaceAll(/(\\d)/) { it[1] * 2 }",
      "s.replaceAll(/\\d/) { it + '.' }", "s.replaceAll(/(\\d)(\\d)?/) { all, a, b -> b ?: a }",
      "s.replaceAll(~/(\\d)/) { String[] g -> g[1] }", "s.replaceAll(/z/) { 'never' }",
      "s.replaceFirst(/\\d/, '_')", "s.replaceFirst(~/\\d/, '_')", "s.replaceFirst(/(\\d)/) { it[1] * 3 }",
      "s.replaceFirst(~/z/) { 'never' }", "s.split(/\\d+/).toList()", "'a,b,,'.split(',').toList()",
      "'a,b,c'.split(',', 2).toList()", "s.find(/\\d+/)", "s.find(/z/)", "s.find(~/(\\d)(\\d)/)",
      "s.find(/(\\d)(\\d)/) { all, a, b -> b + a }", "s.find(/\\d/) { it * 2 }", "s.find(/z/) { it }",
      "s.findAll(/\\d+/)", "s.findAll(~/(\\d)(\\d)/)", "s.findAll(/\\d+/) { it.size() }",
      "s.findAll(/(\\d)(\\d)/) { all, a, b -> a }",
      "{ def out = []; s.eachMatch(/\\d+/) { out << it }; out }()",
      "{ def out = []; s.eachMatch(~/(\\d)(\\d)/) { out << it.join('+') }; out }()",
      "s.eachMatch(/\\d/) { }", "new StringBuilder(s).matches(~/a.*/)",
      "new StringBuilder(s).replaceAll(~/\\d/, '-')", "new StringBuilder(s).findAll(~/\\d+/)",
      "new StringBuilder(s).find(~/\\d+/)", "s.tokenize('12')", "s.tokenize()",
  })
  void boundedEntryPointsGiveGroovysResults(String expression) throws Exception {
    String expected = String.valueOf(new GroovyShell()
        .evaluate("def s = 'a1b22c333';\n" + expression + "\n"));
    Compiler c = new Code(dir).file("m.groovy",
        "def s = 'a1b22c333';\nfile('/x', content: String.valueOf(" + expression + "))\n")
        .manifest("m.groovy");
    assertThat(c.compile("n1", Code.debian()).getResources(0).getParametersMap().get("content")
        .getStringValue()).as(expression).isEqualTo(expected);
  }
}
