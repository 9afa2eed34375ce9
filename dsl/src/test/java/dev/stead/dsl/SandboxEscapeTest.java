package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attempts to leave the sandbox, in manifests and in templates: each must end as a compile
 * error naming what was refused, at the line that tried, and never take effect. Most of
 * these get past a compile-time check and are stopped by the run-time one.
 */
class SandboxEscapeTest {
  @TempDir Path dir;

  private List<String> errors(String manifest) {
    return Code.errorsOf(() -> new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .withTimeLimit(Duration.ofSeconds(5)).compile("n1", Code.debian()));
  }

  /** Refused at run time: the code compiles, the call is stopped when it is made. */
  @ParameterizedTest
  @ValueSource(strings = {
      // x[name] reaches properties of objects that are not collections
      "def k = 'bind' + 'ing'; file('/x', content: this[k].toString())",
      "def k = 'meta' + 'Class'; file('/x', content: 1[k].toString())",
      "def k = 'cla' + 'ss'; file('/x', content: this[k].name)",
      // objects outside the allowlist obtained through allowed calls
      "file('/x', content: 'abc'.toURI().resolve('http://example.com').toString())",
      "file('/x', content: 'abc'.chars().count().toString())",
      // constructors outside the allowlist
      "file('/x', content: new Date().toString())",
      "file('/x', content: new Random().nextInt().toString())",
      // writing to the master's output
      "'x'.println()",
      // memory bombs
      "file('/x', content: 'x' * Integer.MAX_VALUE)",
      "def s = 'x'.padLeft(Integer.MAX_VALUE)",
      "def l = [1, 2] * 100000000",
      "def l = (1..Integer.MAX_VALUE).toList()",
      "def l = []; while (true) { l << 1 }",
      "def l = []; while (true) { l.add(1) }",
      "def m = [:]; def i = 0; while (true) { m[i++] = 1 }",
      "def s = 'x'; 40.times { s += s }",
      "def s = 'x'; 40.times { s = \"${s}${s}\" }",
      "def n = 2 ** 100000000",
      "def s = String.format('%0999999999d', 1)",
      // library calls that build their result without a check the limits could stop
      "def n = 3G.pow(1000000000)",
      "def n = 1G << 2000000000",
      "def n = 1G.shiftLeft(2000000000)",
      "def b = new StringBuilder(); b.setLength(Integer.MAX_VALUE)",
      "def b = new StringBuilder(); b.ensureCapacity(Integer.MAX_VALUE)",
      "def s = '%0999999999d'.formatted(1)",
      "def l = (1..12).toList().permutations()",
      "def l = (1..30).toList().subsequences()",
      "def l = [(1..1000).toList(), (1..1000).toList(), (1..1000).toList()].combinations()",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: l.join(','))",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: l.sum())",
      // the text of a list of many long strings: gigabytes in one library call
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: l.toString())",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: l.inspect())",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: String.valueOf(l))",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: 'a' + l)",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: \"${l}\".toString())",
      "def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: [a: l].toString())",
      "def s = 'x' * 8000000; def l = [[s] * 1000]; file('/x', content: l.toString())",
      "def s = 'x' * 8000000; def l = [s] * 1000; assert l == null : l",
      "def l = (1..1000000).toList(); def m = [l] * 1000000; def f = m.flatten()",
      "def l = (1..1000000).toList(); def m = [l] * 1000; def f = m.sum()",
      "def l = []; l << l; def f = l.flatten()",
  })
  void refusedAtRunTimeAtTheLine(String code) {
    List<String> errors = errors(code + "\n");
    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0)).startsWith("m.groovy:1: sandbox: ");
  }

  /** Refused when the code is loaded, before anything runs. */
  @ParameterizedTest
  @ValueSource(strings = {
      "def s = 'java.lang.System'; file('/x', content: Class.forName(s).toString())",
      "file('/x', content: [].getClass().classLoader.toString())",
      "file('/x', content: this.binding.toString())",
      "String.metaClass.toString = { 'pwned' }",
      "def m = 'x'.&toUpperCase",
      "def m = 'x'::toUpperCase",
      "file('/x', content: ''.\"${'exe' + 'cute'}\"())",
      "file('/x', content: Eval.me('1'))",
      "file('/x', content: evaluate('1'))",
      "file('/x', content: new GroovyShell().evaluate('1').toString())",
      "System.exit(1)",
      "Thread.start { }",
      "new Thread({ }).start()",
      "file('/x', content: new Socket('127.0.0.1', 22).toString())",
      "file('/x', content: 'http://example.com'.toURL().text)",
      "file('/x', content: new File('/etc/passwd').text)",
      "file('/x', content: java.nio.file.Files.readAllLines(java.nio.file.Paths.get('/etc/passwd')).join())",
      "file('/x', content: 'ls'.execute().text)",
      "println 'x' * 100",
      "addShutdownHook { }",
      "def x = [1]; x.a += 1",
      // static methods of allowed classes that read system properties
      "file('/x', content: Integer.getInteger('user.home').toString())",
      "file('/x', content: Boolean.getBoolean('x').toString())",
      // an array allocated at its full size before anything could check it
      "def a = new long[300000000]",
      "def n = 300000000; def a = new long[n]",
      "def a = new int[1000][1000000]",
  })
  void refusedWhenLoaded(String code) {
    List<String> errors = errors(code + "\n");
    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0)).startsWith("m.groovy:1: sandbox: ");
  }

  @Test
  void aHugeValueInAnErrorIsDescribedByItsSize() {
    assertThat(errors("def s = 'x' * 8000000; def l = [s] * 1000; file('/x', content: l)\n"))
        .containsExactly("m.groovy:1: parameter 'content' of file[/x] must be a string, got "
            + "ArrayList of 1000 elements");
  }

  @Test
  void aFailedAssertionDoesNotRenderItsValues() {
    // Groovy's power assert would render the text of the list: gigabytes, an
    // OutOfMemoryError in whatever thread asked for memory next.
    assertThat(errors("def s = 'x' * 8000000; def l = [s] * 1000\nassert l == null\n"))
        .containsExactly("m.groovy:2: AssertionError: assertion failed: (l == null)");
  }

  @Test
  void refusalCaughtByTheCodeIsStillAnError() {
    assertThat(errors("""
        def k = 'bind' + 'ing'
        try { this[k] } catch (Throwable t) { }
        file('/x', content: 'ok')
        """)).containsExactly("m.groovy:2: sandbox: reading 'binding' is not allowed in Stead code");
  }

  @Test
  void endlessLoopIsStopped() {
    assertThat(Code.errorsOf(() -> new Code(dir).file("m.groovy", "while (true) { }\n")
        .manifest("m.groovy").withTimeLimit(Duration.ofMillis(300)).compile("n1", Code.debian())))
        .singleElement().asString().contains("time limit");
  }

  @Test
  void catastrophicRegexIsStoppedByTheTimeLimit() {
    long start = System.nanoTime();
    assertThat(Code.errorsOf(() -> new Code(dir).file("m.groovy",
            "def s = 'a' * 40 + '!'\nfile('/x', content: (s ==~ /(a*)*\\1b/).toString())\n")
        .manifest("m.groovy").withTimeLimit(Duration.ofMillis(300)).compile("n1", Code.debian())))
        .containsExactly("m.groovy:2: compile exceeded the time limit of 0.3 s and was stopped");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void catastrophicRegexInStringMethodsIsStoppedToo() {
    for (String call : new String[] {"s.matches(/(a*)*\\1b/)", "s.replaceAll(/(a*)*\\1b/, 'x')",
        "s.replaceFirst(/(a*)*\\1b/, 'x')", "s.split(/(a*)*\\1b/)", "s.find(/(a*)*\\1b/)"}) {
      long start = System.nanoTime();
      assertThat(Code.errorsOf(() -> new Code(dir).file("m.groovy",
              "def s = 'a' * 40 + '!'\nfile('/x', content: String.valueOf(" + call + "))\n")
          .manifest("m.groovy").withTimeLimit(Duration.ofMillis(300))
          .compile("n1", Code.debian())))
          .as(call)
          .containsExactly("m.groovy:2: compile exceeded the time limit of 0.3 s and was stopped");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as(call)
          .isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void regexStringMethodsGiveTheirUsualResults() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", """
        def s = 'a1b22c333'
        file('/x', content: [s.matches(/[a-c0-9]+/), s.matches('b.*'), s.replaceAll(/\\d+/, '#'),
            s.replaceFirst(/\\d/, '_'), s.split(/\\d+/).toList(), 'a,b,,'.split(',').toList(),
            'a,b,c'.split(',', 2).toList(), s.find(/\\d+/), s.find(/z/),
            s.replaceAll(/(\\d)/) { it[1] * 2 }, s.matches(~/a.*/)].join('|'))
        """).manifest("m.groovy");
    assertThat(c.compile("n1", Code.debian()).getResources(0).getParametersMap().get("content")
        .getStringValue()).isEqualTo(
            "true|false|a#b#c#|a_b22c333|[a, b, c]|[a, b]|[a, b,c]|1|null|a11b2222c333333|true");
  }

  @Test
  void templatesAreRefusedAtTheirLine() throws Exception {
    Code code = new Code(dir)
        .file("modules/t/templates/bind.txt", "line one\n<% def k = 'bind' + 'ing' %>${this[k]}\n")
        .file("modules/t/templates/huge.txt", "a\nb\n<% while (true) { out.print('x' * 1000000) } %>\n")
        .file("modules/t/templates/uri.txt", "${'a'.toURI().resolve('b')}\n")
        .file("m.groovy", "file('/x', content: template(\"t/${facts.which}\"))\n");
    Compiler compiler = Compiler.forManifest(dir.resolve("m.groovy"), List.of(dir.resolve("modules")));
    assertThat(Code.errorsOf(() -> compiler.compile("n1", Code.facts(java.util.Map.of("which", "bind.txt")))))
        .containsExactly("t/templates/bind.txt:2: sandbox: reading 'binding' is not allowed in Stead code");
    assertThat(Code.errorsOf(() -> compiler.compile("n1", Code.facts(java.util.Map.of("which", "huge.txt")))))
        .singleElement().asString().startsWith("t/templates/huge.txt:3: sandbox: template output exceeds");
    assertThat(Code.errorsOf(() -> compiler.compile("n1", Code.facts(java.util.Map.of("which", "uri.txt")))))
        .singleElement().asString().startsWith("t/templates/uri.txt:1: sandbox: calling resolve() on java.net.URI");
  }

  @Test
  void templateRefusedWhenLoaded() throws Exception {
    new Code(dir).file("modules/t/templates/f.txt",
            "<% def x = 1 %>\na\n${new File('/etc/passwd').text}\n")
        .file("m.groovy", "file('/x', content: template('t/f.txt'))\n");
    Compiler compiler = Compiler.forManifest(dir.resolve("m.groovy"), List.of(dir.resolve("modules")));
    assertThat(Code.errorsOf(() -> compiler.compile("n1", Code.debian()))).singleElement().asString()
        .startsWith("t/templates/f.txt:3: sandbox: use of java.io.File is not allowed");
  }

  @Test
  void otherNodesKeepCompilingAfterARefusal() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('bad') {
          def k = 'bind' + 'ing'
          file('/x', content: this[k].toString())
        }
        node('good') {
          file('/etc/motd', content: "hello ${node}".toString())
        }
        """).environment();
    assertThat(c.compile("good", Code.debian()).getResourcesCount()).isEqualTo(1);
    assertThat(Code.errorsOf(() -> c.compile("bad", Code.debian()))).containsExactly(
        "site.groovy:3: sandbox: reading 'binding' is not allowed in Stead code");
    Catalog again = c.compile("good", Code.debian());
    assertThat(again.getResources(0).getParameters().get("content").getStringValue())
        .isEqualTo("hello good");
  }

  @Test
  void ordinaryCodeStillRunsThroughTheChecks() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", """
        def servers = ['b.ntp', 'a.ntp']*.toUpperCase().sort()
        def settings = [port: 80, name: facts.networking?.fqdn ?: 'x']
        settings.port = settings.port + 1
        def counts = [:]
        counts['a'] = (counts['a'] ?: 0) + 1
        def text = new StringBuilder()
        servers.eachWithIndex { s, i -> text << "${i}:${s}\\n" }
        def big = Math.max(Integer.parseInt('7'), 3) ** 2
        def small = new int[3]; small[0] = 2; def rest = 10 - small[0] - 1
        def grid = new String[2][2]
        assert servers.size() == 2 : 'two servers'
        assert grid.length == 2
        assert [null, [1, [null]]].flatten().size() == 3 && [[1], [2, 3]].sum() == [1, 2, 3]
        def words = ['a', 'b', 'c'].permutations().size() + ['a', 'b'].subsequences().size() +
            [[1, 2], [3]].combinations().size() + 2G.pow(3) + (1G << 3) - rest - 20 + grid.length - 2
        file('/etc/ntp', content: text.toString() + settings.name + settings['port'] + (big + words)
            + counts.a + servers.size() + (1..3).collect { it * 2 }.sum() + 'x'.padLeft(3, '-')
            + ('v12' =~ /v(\\d+)/)[0][1] + ('ab' ==~ /a./) + ('ab' =~ /z/ ? 'y' : 'n'))
        """).manifest("m.groovy");
    assertThat(c.compile("n1", Code.debian()).getResources(0).getParameters().get("content")
        .getStringValue()).isEqualTo("0:A.NTP\n1:B.NTP\nweb01.example.com81491212--x12truen");
  }
}
