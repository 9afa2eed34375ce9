package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run report as JSON ({@code apply --json}, the same printer as {@code agent run --json}):
 * what a script reads with {@code jq}.
 */
class ReportJsonTest {
  @TempDir Path tmp;

  private InProcess apply(Path manifest) {
    return InProcess.run("apply", manifest.toString(), "--root", tmp.resolve("root").toString(),
        "--state", tmp.resolve("state").toString(), "--certname", "json.test", "--json");
  }

  @Test
  void keepsZeroCountsAndPlainEqualsSigns() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/app.conf') { content 'level=debug\\n' }\n");

    InProcess first = apply(manifest);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
    assertThat(first.out()).contains("level=debug").doesNotContain("\\u003d")
        .contains("\"failed\": 0");

    InProcess second = apply(manifest);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("\"changed\": 0").contains("\"failed\": 0");
  }
}
