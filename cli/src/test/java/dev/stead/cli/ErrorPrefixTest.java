package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A message names the whole command it came from, as the user typed it. */
class ErrorPrefixTest {
  @TempDir Path empty;

  @Test
  void aFailureNamesTheSubcommandWithItsParent() {
    // No master has ever run in this data directory: no admin certificate to connect with.
    InProcess run = InProcess.run("ca", "sign", "web1", "--data", empty.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("stead ca sign: ").doesNotContain("stead sign:");
  }

  @Test
  void aUsageErrorNamesTheSubcommandWithItsParent() {
    InProcess run = InProcess.run("operator", "add");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("stead operator add: Missing required parameter")
        .contains("Try `stead operator add --help`.");
  }
}
