package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The data file edit behind `stead drift accept`: one value changes, every other byte stays. */
class DataPatchTest {
  private static final String COMMON = """
      # Settings for every node.
      motd::content: |
        Welcome
        to the fleet
      motd::mode: '0644'   # keep private keys 0600
      ntp::servers:
        - ntp1.example.com
      ntp::port: 123
      app::enabled: true
      app::name: web
      """;

  @Test
  void changesOnlyTheValueKeepingCommentsOrderAndQuoting() throws Exception {
    String edited = DataPatch.setValue(COMMON, "data/common.yaml", "motd::mode", "0600");
    assertThat(edited).isEqualTo(COMMON.replace("motd::mode: '0644'", "motd::mode: '0600'"));
  }

  @Test
  void aNumberStaysANumberAndAStringThatLooksLikeOneIsQuoted() throws Exception {
    assertThat(DataPatch.setValue(COMMON, "f", "ntp::port", "1123"))
        .isEqualTo(COMMON.replace("ntp::port: 123", "ntp::port: 1123"));
    assertThat(DataPatch.setValue(COMMON, "f", "app::name", "true"))
        .isEqualTo(COMMON.replace("app::name: web", "app::name: 'true'"));
    assertThat(DataPatch.setValue(COMMON, "f", "app::enabled", "false"))
        .isEqualTo(COMMON.replace("app::enabled: true", "app::enabled: false"));
    assertThat(DataPatch.setValue(COMMON, "f", "app::name", "it's: here"))
        .isEqualTo(COMMON.replace("app::name: web", "app::name: 'it''s: here'"));
  }

  @Test
  void aBlockStaysABlockAndTheNextKeyIsUntouched() throws Exception {
    String edited = DataPatch.setValue(COMMON, "f", "motd::content", "Hello\nworld\n");
    assertThat(edited).isEqualTo(COMMON.replace("  Welcome\n  to the fleet\n",
        "  Hello\n  world\n"));
    String noNewline = DataPatch.setValue(COMMON, "f", "motd::content", "one line");
    assertThat(new org.yaml.snakeyaml.Yaml().<java.util.Map<String, Object>>load(noNewline))
        .containsEntry("motd::content", "one line").containsEntry("motd::mode", "0644");
  }

  @Test
  void textAfterCharactersOutsideTheBasicPlaneStaysInPlace() throws Exception {
    String text = "greeting: '\uD83D\uDE00 hi'  # emoji\nmotd::mode: '0644'\n";
    assertThat(DataPatch.setValue(text, "f", "motd::mode", "0600"))
        .isEqualTo(text.replace("'0644'", "'0600'"));
  }

  @Test
  void aValueThatWouldSpillIntoOtherKeysIsQuoted() throws Exception {
    String text = "a: x\nb: y\n";
    assertThat(DataPatch.setValue(text, "f", "a", "z\nb: w"))
        .isEqualTo("a: \"z\\nb: w\"\nb: y\n");
  }

  @Test
  void refusesAMissingKeyAListAndBrokenYaml() {
    assertThatThrownBy(() -> DataPatch.setValue(COMMON, "data/common.yaml", "nope", "x"))
        .hasMessage("data/common.yaml has no top-level key 'nope'");
    assertThatThrownBy(() -> DataPatch.setValue(COMMON, "data/common.yaml", "ntp::servers", "x"))
        .hasMessage("'ntp::servers' in data/common.yaml is a list; accept writes single values");
    assertThatThrownBy(() -> DataPatch.setValue("a: [", "data/x.yaml", "a", "x"))
        .hasMessageStartingWith("data/x.yaml is not valid YAML");
  }

  @Test
  void theDiffIsOneHunkWithThreeLinesOfContext() throws Exception {
    String edited = DataPatch.setValue(COMMON, "data/common.yaml", "ntp::port", "1123");
    assertThat(DataPatch.unifiedDiff("data/common.yaml", COMMON, edited)).isEqualTo("""
        diff --git a/data/common.yaml b/data/common.yaml
        --- a/data/common.yaml
        +++ b/data/common.yaml
        @@ -5,6 +5,6 @@
         motd::mode: '0644'   # keep private keys 0600
         ntp::servers:
           - ntp1.example.com
        -ntp::port: 123
        +ntp::port: 1123
         app::enabled: true
         app::name: web
        """);
    assertThat(DataPatch.unifiedDiff("f", "a: 1", "a: 2")).isEqualTo("""
        diff --git a/f b/f
        --- a/f
        +++ b/f
        @@ -1,1 +1,1 @@
        -a: 1
        \\ No newline at end of file
        +a: 2
        \\ No newline at end of file
        """);
  }
}
