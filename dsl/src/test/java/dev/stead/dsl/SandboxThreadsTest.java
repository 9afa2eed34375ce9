package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stead code runs only on the compile's thread, within its time limit and memory bound: every
 * way of getting code run elsewhere (another thread, the finalizer, after the compile returned)
 * is a compile error at the line that tried.
 */
class SandboxThreadsTest {
  @TempDir Path dir;

  private List<String> errors(String manifest) {
    return Code.errorsOf(() -> new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .withTimeLimit(Duration.ofSeconds(5)).compile("n1", Code.debian()));
  }

  /** Each of these is refused where it stands, the second line of the file. */
  @ParameterizedTest
  @ValueSource(strings = {
      // a Timer's thread runs its tasks after the compile returned
      "class Tick extends TimerTask { void run() { } }",
      "class Clock extends Timer { }",
      "class Tick extends java.util.TimerTask { void run() { } }",
      // any superclass but Object: the allowed list, not a deny list
      "class Box extends ArrayList { }",
      "class Failure extends RuntimeException { }",
      "class Text extends StringBuilder { }",
      // the JVM's finalizer thread would run it, with no limit
      "class Leak { void finalize() { while (true) { } } }",
      "class Leak { protected void finalize() throws Throwable { } }",
      "def finalize() { }",
      "def o = new Object() { void finalize() { while (true) { } } }",
      "class Outer { static class Inner { void finalize() { } } }",
      // handed to something that runs it on another thread, or outside the compile
      "class Job implements Runnable { void run() { } }",
      "class Job implements Comparable { int compareTo(Object o) { 0 } }",
      "class Seq implements Iterable { Iterator iterator() { [].iterator() } }",
      "class Text implements CharSequence { int length() { 0 }; char charAt(int i) { 'a' as char }; CharSequence subSequence(int a, int b) { '' }; String toString() { '' } }",
      "interface Task extends Runnable { }",
      // other kinds of class: enums, traits and records extend what the compiler picks
      "enum Color { RED }",
      "trait Loud { def shout() { 'x' } }",
      // code that starts threads or hands work to a pool
      "[1, 2].parallelStream()",
      "[1, 2].stream().parallel()",
      "java.util.concurrent.CompletableFuture.runAsync { }",
      "java.util.concurrent.Executors.newSingleThreadExecutor()",
      "Thread.start { }",
      "new Thread({ }).start()",
      "ThreadLocal.withInitial { 1 }",
      "java.lang.ref.Cleaner.create()",
      "new Timer().schedule({ } as TimerTask, 1)",
  })
  void refusedWhereItStands(String code) {
    List<String> errors = errors("def a = 1\n" + code + "\nfile('/x', content: 'ok')\n");
    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0)).startsWith("m.groovy:2: sandbox: ");
  }

  @Test
  void theRefusalNamesTheSuperclassAndWhatIsAllowed() {
    assertThat(errors("def a = 1\nclass Tick extends TimerTask { void run() { } }\n"))
        .contains("m.groovy:2: sandbox: class Tick may not extend java.util.TimerTask: "
            + "classes in Stead code extend only Object");
  }

  @Test
  void theRefusalOfFinalizeNamesItsLine() {
    assertThat(errors("class Leak {\n  def x = 1\n  void finalize() { }\n}\n"))
        .contains("m.groovy:3: sandbox: finalize() would run on the JVM's finalizer thread, "
            + "outside the compile's limits; it is not allowed in Stead code");
  }

  @Test
  void aStaticInitializerRunsInsideTheCompileNotWhenTheCodeIsLoaded() {
    // Loading (on the master's reload path, outside any compile) must not run it; the
    // compile that first uses the class runs it, under its time limit.
    Code code = new Code(dir).file("m.groovy", """
        class Slow { static int n = { while (true) { }; 1 }() }
        file('/x', content: "${Slow.n}")
        """);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      Compiler c = code.manifest("m.groovy").withTimeLimit(Duration.ofMillis(300));
      assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).isNotEmpty()
          .allSatisfy(e -> assertThat(e).contains("time limit"));
    });
  }

  @Test
  void userCodeDoesNotRunWhenTheCatalogIsBuilt() {
    // A map key's toString() would run when the catalog is written, after the time limit.
    Code code = new Code(dir).file("m.groovy", """
        class Key { String toString() { while (true) { }; 'k' } }
        exec('/bin/true', environment: [(new Key()): 'v'])
        """);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      Compiler c = code.manifest("m.groovy").withTimeLimit(Duration.ofMillis(300));
      assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).isNotEmpty()
          .allSatisfy(e -> assertThat(e).contains("time limit"));
    });
  }

  @Test
  void aValueTheCatalogCannotHoldIsAnErrorAtItsLine() {
    // It used to get as far as writing the catalog, and fail there without a line.
    assertThat(errors("def a = 1\nuser('bob', groups: ['a', { -> 'x' }])\n"))
        .singleElement().asString().startsWith("m.groovy:2: parameter 'groups' of user[bob] may "
            + "hold only strings, numbers, booleans, lists and maps, got ");
  }

  @Test
  void plainClassesStillWork() throws Exception {
    Compiler c = new Code(dir).file("m.groovy", """
        class Port {
          int number
          String describe() { "port ${number}" }
          String toString() { describe() }
        }
        interface Named { String name() }
        def p = new Port(number: 80)
        file('/x', content: p.describe() + '|' + p.toString() + '|' + [p].size())
        """).manifest("m.groovy");
    assertThat(c.compile("n1", Code.debian()).getResources(0).getParametersMap().get("content")
        .getStringValue()).isEqualTo("port 80|port 80|1");
  }
}
