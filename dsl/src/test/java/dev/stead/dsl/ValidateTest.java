package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.CompileError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateTest {
  @TempDir Path dir;

  private static List<String> format(List<CompileError> errors) {
    return errors.stream().map(e -> e.getLocation().getFile() + ":" + e.getLocation().getLine()
        + ": " + e.getMessage()).toList();
  }

  @Test
  void loadErrorsOfEveryFileAtOnce() {
    new Code(dir).file("site.groovy", "node('default') {\n")
        .file("modules/a/manifests/a.groovy", "klass('a') { new File('/x') }\n")
        .file("modules/b/manifests/b.groovy", "klass('b') { ) }\n");
    List<String> errors = format(Compiler.validate(dir, List.of()));
    assertThat(errors).anyMatch(e -> e.startsWith("site.groovy:"))
        .anyMatch(e -> e.startsWith("modules/a/manifests/a.groovy:1: sandbox:"))
        .anyMatch(e -> e.startsWith("modules/b/manifests/b.groovy:1:"));
  }

  @Test
  void everyNodeBlockIsCompiledAndItsErrorsReported() {
    new Code(dir).file("site.groovy", """
        node('web01') { file('/etc/a', mode: 'bad') }
        node(~/^db\\d+/) { include 'nope' }
        node('default') { file('/etc/ok', content: 'fine') }
        """);
    assertThat(format(Compiler.validate(dir, List.of()))).hasSize(2)
        .anyMatch(e -> e.startsWith("site.groovy:1: node web01 (no facts): "))
        .contains("site.groovy:2: node /^db\\d+/ (no facts): unknown class 'nope'");
  }

  @Test
  void aGoodEnvironmentHasNoErrors() {
    new Code(dir).file("site.groovy", "node('default') { file('/etc/ok', content: 'fine') }\n");
    assertThat(Compiler.validate(dir, List.of())).isEmpty();
  }

  @Test
  void everyDataFileIsCheckedAgainstTheClassParameterTypesAtTheKeysLine() {
    new Code(dir)
        .file("modules/webapp/manifests/webapp.groovy", """
            klass('webapp') { int workers, List listen = [80], String motd = '' ->
              file('/etc/webapp.conf', content: "${workers} ${listen}")
            }
            """)
        .file("data/common.yaml", "webapp::workers: 4\nwebapp::motd: \"%{facts.os.family}\"\n")
        // only a Debian node reads this file: a compile without facts never sees it
        .file("data/os/Debian.yaml", "# tuned\nwebapp::workers: eight\nwebapp::listen: 443\n")
        .file("modules/webapp/data/common.yaml", "webapp::listen: {port: 80}\n")
        .file("site.groovy", "node('default') { include 'webapp' }\n");
    assertThat(format(Compiler.validate(dir, List.of()))).containsExactly(
        "data/os/Debian.yaml:2: 'webapp::workers': parameter 'workers' of class 'webapp' must be"
            + " int, got a string 'eight'",
        "data/os/Debian.yaml:3: 'webapp::listen': parameter 'listen' of class 'webapp' must be"
            + " List, got a number 443",
        "modules/webapp/data/common.yaml:1: 'webapp::listen': parameter 'listen' of class"
            + " 'webapp' must be List, got a map",
        // the node compile without facts reads the module's data too
        "site.groovy:1: node default (no facts): parameter 'listen' of class 'webapp' must be"
            + " List, got UnmodifiableMap {port=80} (from modules/webapp/data/common.yaml)");
  }

  @Test
  void everyErrorOfANodeIsReportedNotOnlyTheFirst() {
    new Code(dir)
        .file("modules/a/manifests/a.groovy", "klass('a') { int n -> }\n")
        .file("modules/b/manifests/b.groovy", "klass('b') { String s -> }\n")
        .file("data/nodes/web01.yaml", "a::n: many\nb::s: [x]\n")
        .file("site.groovy", """
            node('web01') {
              include 'a'
              include 'b'
              file('/etc/x', mode: 'bad')
            }
            """);
    assertThat(format(Compiler.validate(dir, List.of()))).contains(
        "data/nodes/web01.yaml:1: 'a::n': parameter 'n' of class 'a' must be int, got a string"
            + " 'many'",
        "data/nodes/web01.yaml:2: 'b::s': parameter 's' of class 'b' must be String, got a list")
        .anyMatch(e -> e.startsWith("site.groovy:2: node web01 (no facts): parameter 'n'"))
        .anyMatch(e -> e.startsWith("site.groovy:3: node web01 (no facts): parameter 's'"))
        .anyMatch(e -> e.startsWith("site.groovy:4: node web01 (no facts): parameter 'mode' of file[/etc/x]"));
  }
}
