package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master given code that is not there says so and does not start. */
class MasterStartCodeTest {
  @TempDir Path tmp;

  @Test
  void aMissingCodeDirectoryIsRefusedByName() throws Exception {
    Path missing = tmp.resolve("no-such-code");
    Cli start = Cli.run("master", "start", "--data", tmp.resolve("data").toString(),
        "--code", missing.toString(), "--listen", "127.0.0.1:0");
    assertThat(start.exitCode()).as(start.toString()).isEqualTo(1);
    assertThat(start.output()).contains("--code " + missing + " is not a directory");
  }
}
