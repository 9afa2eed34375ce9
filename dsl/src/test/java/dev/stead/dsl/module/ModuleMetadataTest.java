package dev.stead.dsl.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModuleMetadataTest {
  @Test
  void readsNameVersionSummaryAndDependenciesWithTheirLines() throws Exception {
    ModuleMetadata m = ModuleMetadata.parse("""
        name: ntp
        version: 1.2.0
        summary: Keeps time with ntpd or chrony
        dependencies:
          - name: base
            version: ">=1.0.0 <2.0.0"
          - name: motd
        """, "ntp");
    assertThat(m.name()).isEqualTo("ntp");
    assertThat(m.version()).isEqualTo(ModuleVersion.parse("1.2.0"));
    assertThat(m.summary()).isEqualTo("Keeps time with ntpd or chrony");
    assertThat(m.dependencies()).extracting(ModuleMetadata.Dependency::name)
        .containsExactly("base", "motd");
    assertThat(m.dependencies().get(0).line()).isEqualTo(5);
    assertThat(m.dependencies().get(0).range().toString()).isEqualTo(">=1.0.0 <2.0.0");
    assertThat(m.dependencies().get(1).range().toString()).isEqualTo("*");
  }

  @Test
  void theNameMustBeTheDirectorys() {
    assertThatThrownBy(() -> ModuleMetadata.parse("name: chrony\nversion: 1.0.0\n", "ntp"))
        .isInstanceOfSatisfying(ModuleMetadata.Problem.class, p -> {
          assertThat(p.line()).isEqualTo(1);
          assertThat(p).hasMessageContaining("name 'chrony' differs from the module's "
              + "directory 'ntp'");
        });
  }

  @Test
  void malformedFilesFailAtTheirLine() {
    assertProblem("name: ntp\nversion: 1.2\n", 2, "version '1.2' is not a version");
    assertProblem("name: ntp\nversion: 1.0.0\ndependecies: []\n", 3,
        "unknown key 'dependecies'");
    assertProblem("name: ntp\nversion: 1.0.0\ndependencies:\n  - name: base\n"
        + "    version: around two\n", 5, "'around' in version range 'around two'");
    assertProblem("name: ntp\nsummary: [a\n", 3, "invalid YAML");
    assertProblem("name: ntp\n", 1, "'version' is missing");
    assertProblem("name: ntp\nversion: 1.0.0\ndependencies:\n  - base\n", 4,
        "a dependency must be a mapping");
  }

  private static void assertProblem(String text, int line, String message) {
    assertThatThrownBy(() -> ModuleMetadata.parse(text, "ntp"))
        .isInstanceOfSatisfying(ModuleMetadata.Problem.class, p -> {
          assertThat(p).hasMessageContaining(message);
          assertThat(p.line()).as(p.getMessage()).isEqualTo(line);
        });
  }
}
