package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxTest {
  @TempDir Path dir;

  private List<String> refusals(String manifest) {
    return Code.errorsOf(() -> new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "file('/x', content: System.getProperty('user.home'))",
      "file('/x', content: new File('/etc/passwd').text)",
      "file('/x', content: 'ls'.execute().text)",
      "def s = System; file('/x', content: s.getenv('HOME'))",
      "file('/x', content: this.class.classLoader.toString())",
      "file('/x', content: Class.forName('java.lang.Runtime').toString())",
      "file('/x', content: new GroovyShell().evaluate('1'))",
      "file('/x', content: Eval.me('1'))",
      "file('/x', content: java.nio.file.Files.readString(java.nio.file.Path.of('/etc/hostname')))",
      "Thread.start { }",
      "file('/x', content: ''.\"${'getClass'}\"().name)",
      "def m = 'x'.&toUpperCase",
      "file('/x', content: this.binding.variables.toString())",
      "file('/x', content: ''['class'].name)",
      "@Grab('org.example:evil:1.0') import org.example.Evil",
      "@groovy.transform.ASTTest(value = { System.exit(1) }) def x = 1",
      "import java.io.File as F\nfile('/x', content: new F('/etc/passwd').text)",
      "file('/x', content: 'http://example.com'.toURL().text)",
  })
  void refusedWithAnErrorAtTheLine(String code) {
    List<String> errors = refusals(code + "\n");
    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0)).startsWith("m.groovy:1: sandbox: ");
  }

  @Test
  void allRefusalsInOneCompile() {
    assertThat(refusals("""
        def a = System.getenv()
        def b = new File('/')
        def c = 'id'.execute()
        """)).extracting(e -> e.substring(0, e.indexOf(':', 9)))
        .contains("m.groovy:1", "m.groovy:2", "m.groovy:3");
  }

  @Test
  void timeLimitStopsAnEndlessLoop() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", "file('/x', content: 'a')\nwhile (true) { }\n")
        .manifest("m.groovy").withTimeLimit(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).containsExactly(
        "m.groovy:2: compile exceeded the time limit of 0.3 s and was stopped");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void memoryBoundStopsACompileThatKeepsAllocatingAndOthersGoOn() throws Exception {
    // Every string and list stays under the sandbox's size bounds; together they would not.
    Compiler c = new Code(dir).file("m.groovy", """
        node('hog') {
          def keep = []
          while (true) { keep << ('x' * 100000).toUpperCase() ; if (keep.size() > 500) keep = [] }
        }
        node('default') { file('/x', content: 'fine') }
        """).manifest("m.groovy").withMemoryLimit(64L << 20);
    assertThat(Code.errorsOf(() -> c.compile("hog", Code.debian()))).containsExactly(
        "m.groovy:3: compile allocated more than 64 MiB (the memory bound) and was stopped");
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(c.compile("web01", Code.debian()).getResourcesCount()).isEqualTo(1);
  }

  @Test
  void timeLimitStopsEndlessRecursionInClosures() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", "def f\nf = { n -> f(n + 1) }\n(1..1000000000).each { }\n")
        .manifest("m.groovy").withTimeLimit(Duration.ofMillis(300));
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).singleElement().asString()
        .contains("time limit");
  }

  @Test
  void ordinaryGroovyStillWorks() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", """
        def names = ['b', 'a'].collect { it.toUpperCase() }.sort()
        def settings = [port: 80, hosts: facts.networking?.fqdn ?: 'x']
        settings.each { k, v -> file("/etc/s/${k}", content: "${v}\\n") }
        file('/etc/names', content: names.join(',') + String.format('%03d', 7))
        """).manifest("m.groovy");
    assertThat(c.compile("n1", Code.debian()).getResourcesCount()).isEqualTo(3);
  }

  /**
   * Calls and names without a receiver inside closures are dispatched by the sandbox's
   * runtime (not Groovy's call sites): script variables written and incremented from a
   * closure, local closures, script methods, binding closures and nested owners still resolve
   * as Groovy resolves them.
   */
  @Test
  void closuresResolveNamesAsGroovyDoes() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", """
        counter = 0
        label = { x -> "L${x}" }
        def helper(x) { "h${x}" }
        def local = { x -> "c${x}" }
        (1..3).each { n ->
          counter++
          counter += 10
          total = counter
          def (a, b) = [n, n * 2]
          (first, second) = [a, b]
          def l = label(n)
          file("/t/${n}") {
            content "${helper(n)} ${local(n)} ${l} ${facts.os.family} ${first}-${second}"
            mode n == 1 ? '0600' : '0644'
          }
        }
        file('/t/total', content: "${total} ${counter} ${label(9)}")
        """).manifest("m.groovy");
    var catalog = c.compile("n1", Code.debian());
    assertThat(catalog.getResourcesList()).extracting(r -> r.getTitle() + "="
        + r.getParametersMap().get("content").getStringValue()).containsExactly(
        "/t/1=h1 c1 L1 Debian 1-2", "/t/2=h2 c2 L2 Debian 2-4", "/t/3=h3 c3 L3 Debian 3-6",
        "/t/total=33 33 L9");
  }
}
