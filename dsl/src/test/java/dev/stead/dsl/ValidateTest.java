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
}
