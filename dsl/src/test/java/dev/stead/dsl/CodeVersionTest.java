package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeVersionTest {
  @TempDir Path dir;

  @Test
  void contentHashChangesWhenAFileChanges() throws Exception {
    Code code = new Code(dir)
        .file("site.groovy", "node('default') { include 'm' }\n")
        .file("modules/m/manifests/m.groovy", "klass('m') { file('/x', content: template('m/t')) }\n")
        .file("modules/m/templates/t", "one");
    String first = code.environment().codeVersion();
    assertThat(first).matches("sha256:[0-9a-f]{64}");
    assertThat(code.environment().codeVersion()).isEqualTo(first);
    code.file("modules/m/templates/t", "two");
    assertThat(code.environment().codeVersion()).isNotEqualTo(first);
    code.file("unrelated/README", "ignored");
    String second = code.environment().codeVersion();
    code.file("unrelated/README", "still ignored");
    assertThat(code.environment().codeVersion()).isEqualTo(second);
  }

  @Test
  void gitCheckoutUsesTheCommit() throws Exception {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    Code code = new Code(dir).file("site.groovy", "node('default') { }\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", sha + "\n");
    assertThat(code.environment().codeVersion()).isEqualTo(sha);
    Files.delete(dir.resolve(".git/refs/heads/main"));
    code.file(".git/packed-refs", "# pack-refs with: peeled\n" + sha.replace('0', 'f')
        + " refs/heads/main\n");
    assertThat(code.environment().codeVersion()).isEqualTo(sha.replace('0', 'f'));
  }
}
