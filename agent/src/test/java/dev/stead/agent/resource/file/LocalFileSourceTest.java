package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stead apply} reads sources from the module directories as the compiler does: only
 * from inside the module's real directory. A link swapped in after the compile (to a key of
 * the machine, say) is refused when the file is fetched, and nothing of it is written.
 */
class LocalFileSourceTest {
  private static final String SUM = "sha256:" + "0".repeat(64);

  @TempDir Path dir;
  private Path modules;
  private Path secret;
  private Path secretDir;

  @BeforeEach
  void aModuleAndASecretOutsideIt() throws Exception {
    modules = Files.createDirectories(dir.resolve("modules"));
    Files.createDirectories(modules.resolve("web/files/v2"));
    Files.writeString(modules.resolve("web/files/v2/web.conf"), "listen 80\n");
    secretDir = Files.createDirectories(dir.resolve("etc-ssl"));
    secret = Files.writeString(secretDir.resolve("key.pem"),
        "-----BEGIN PRIVATE KEY-----\nsecret\n");
  }

  private String fetch(String source) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new LocalFileSource(List.of(modules)).fetch(source, SUM, out);
    } finally {
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("PRIVATE KEY");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aFileLinkedOutsideItsModuleIsRefusedAbsoluteOrRelative() throws Exception {
    Files.createSymbolicLink(modules.resolve("web/files/abs.pem"), secret);
    Files.createSymbolicLink(modules.resolve("web/files/rel.pem"),
        modules.resolve("web/files").relativize(secret));

    for (String source : List.of("web/abs.pem", "web/rel.pem")) {
      assertThatThrownBy(() -> fetch(source)).isInstanceOf(IOException.class)
          .hasMessage("source " + source + " leads outside module 'web' through a symbolic"
              + " link (a link may only point inside its module); not read");
    }
  }

  @Test
  void aFileThroughADirectoryLinkedOutsideIsRefused() throws Exception {
    Files.createSymbolicLink(modules.resolve("web/files/ssl"), secretDir);
    Files.createSymbolicLink(modules.resolve("web/files/relssl"),
        modules.resolve("web/files").relativize(secretDir));

    for (String source : List.of("web/ssl/key.pem", "web/relssl/key.pem")) {
      assertThatThrownBy(() -> fetch(source)).isInstanceOf(IOException.class)
          .hasMessageContaining("leads outside module 'web' through a symbolic link");
    }
  }

  @Test
  void aModuleDirectoryLinkedOutsideTheModuleDirectoriesIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("elsewhere/files"));
    Files.writeString(dir.resolve("elsewhere/files/key.pem"), "-----BEGIN PRIVATE KEY-----\n");
    Files.createSymbolicLink(modules.resolve("evil"), dir.resolve("elsewhere"));

    assertThatThrownBy(() -> fetch("evil/key.pem")).isInstanceOf(IOException.class)
        .hasMessageContaining("module directory evil leads outside " + modules);
  }

  @Test
  void linksThatStayInsideTheModuleAreFollowed() throws Exception {
    Files.createSymbolicLink(modules.resolve("web/files/web.conf"), Path.of("v2/web.conf"));
    Files.createSymbolicLink(modules.resolve("web/files/current"), Path.of("v2"));

    assertThat(fetch("web/web.conf")).isEqualTo("listen 80\n");
    assertThat(fetch("web/current/web.conf")).isEqualTo("listen 80\n");
  }
}
