package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.wire.Catalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code archive}: its source resolved as a file's is, its checksum required for https. */
class ArchiveCompileTest {
  @TempDir Path dir;

  private static String sha256(String text) {
    return "sha256:" + Catalogs.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aModuleArchiveGetsItsChecksumFromTheCompiler() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/files/app.tar.gz", "not really gzip\n")
        .file("site.groovy", """
            file('/opt/app', ensure: 'directory')
            archive('/var/cache/app.tar.gz') {
              source 'app/app.tar.gz'
              extract_path '/opt/app'
              creates '/opt/app/bin/app'
              cleanup true
            }
            """);
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));

    CatalogView view = CatalogView.of(c.compile("n1", Code.debian()));

    view.resource("archive[/var/cache/app.tar.gz]")
        .hasParameter("source", "app/app.tar.gz")
        .hasParameter("checksum", sha256("not really gzip\n"));
  }

  @Test
  void anHttpsArchiveWithoutChecksumOrWithAMissingModuleFileIsAnErrorAtItsLine() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/files/x", "x\n")
        .file("site.groovy", """
            archive('/tmp/a.tgz', source: 'https://example.org/a.tgz', extract_path: '/opt')
            archive('/tmp/b.tgz', source: 'app/b.tgz', extract_path: '/opt')
            archive('/tmp/c.tgz', source: 'app/x', checksum: '%s', extract_path: '/opt')
            archive('/tmp/d.tgz', extract_path: '/opt')
            archive('/tmp/e.tgz', source: 'https://example.org/e.tgz', checksum: '%s',
                extract_path: 'opt/../etc')
            """.formatted(sha256("x\n"), sha256("e")));
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));

    List<String> errors = Code.errorsOf(() -> c.compile("n1", Code.debian()));

    assertThat(errors).hasSize(6); // the refused extract_path is also reported missing
    assertThat(errors.get(0)).isEqualTo("site.groovy:1: archive[/tmp/a.tgz]: source"
        + " 'https://example.org/a.tgz' needs a checksum, e.g. checksum 'sha256:<64 hex"
        + " digits>' (sha256sum of the file): the download is checked against it");
    assertThat(errors.get(1)).startsWith("site.groovy:2: archive[/tmp/b.tgz]: source"
        + " 'app/b.tgz' not found");
    assertThat(errors.get(2)).startsWith("site.groovy:3: archive[/tmp/c.tgz]: checksum is"
        + " computed from source by the compiler");
    assertThat(errors.get(3)).startsWith("site.groovy:4:").contains("source");
    assertThat(errors.get(4)).startsWith("site.groovy:5:").contains("extract_path",
        "must be an absolute path without `.` or `..` parts");
  }
}
