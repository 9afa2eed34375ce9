package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.Catalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code file(..., source: 'module/path')}: resolved like templates, hashed, bytes left out. */
class FileSourceTest {
  @TempDir Path dir;

  private static String sha256(String text) {
    return "sha256:" + Catalogs.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSourceNamesTheModuleFileAndTheCatalogCarriesItsChecksumNotItsBytes() throws Exception {
    Code code = new Code(dir.resolve("env"))
        .file("modules/app/files/conf/app.conf", "port = 8080\n")
        .file("site.groovy", """
            node('default') {
              file('/etc/app.conf', source: 'app/conf/app.conf')
              file('/etc/app2.conf') { source 'stead:///modules/app/conf/app.conf' }
            }
            """);
    Compiler c = Compiler.forEnvironment(code.dir(), List.of());

    Catalog first = c.compile("n1", Code.debian());

    CatalogView.of(first).resource("file[/etc/app.conf]")
        .hasParameter("source", "app/conf/app.conf")
        .hasParameter("checksum", sha256("port = 8080\n"))
        .hasNoParameter("content");
    CatalogView.of(first).resource("file[/etc/app2.conf]")
        .hasParameter("source", "app/conf/app.conf")
        .hasParameter("checksum", sha256("port = 8080\n"));
    assertThat(first.toString()).doesNotContain("port = 8080");

    // New bytes, new catalog digest (a fresh load, as the master does after a code change).
    Files.writeString(code.dir().resolve("modules/app/files/conf/app.conf"), "port = 9090\n");
    Catalog second = Compiler.forEnvironment(code.dir(), List.of()).compile("n1", Code.debian());
    CatalogView.of(second).resource("file[/etc/app.conf]")
        .hasParameter("checksum", sha256("port = 9090\n"));
    assertThat(second.getDigest()).isNotEqualTo(first.getDigest());
  }

  @Test
  void aModuleOnTheModulePathServesAManifestToo() throws Exception {
    Path modules = dir.resolve("mp");
    new Code(modules).file("motd/files/motd", "hello\n");
    Code code = new Code(dir.resolve("m")).file("site.groovy",
        "file('/etc/motd', source: 'motd/motd', mode: '0644')\n");
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"), List.of(modules));
    CatalogView.of(c.compile("n1", Code.debian())).resource("file[/etc/motd]")
        .hasParameter("source", "motd/motd")
        .hasParameter("checksum", sha256("hello\n"));
  }

  @Test
  void aMissingOrBadSourceIsAnErrorAtTheDeclaration() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/files/real.conf", "x\n")
        .file("site.groovy", """
            file('/a', source: 'app/absent.conf')
            file('/b', source: 'nomodule/x')
            file('/c', source: 'app/../../site.groovy')
            file('/d', source: 'app/real.conf', content: 'x')
            file('/e', source: 'app/real.conf', checksum: 'sha256:00')
            file('/f', source: 'app/real.conf', ensure: 'directory')
            file('/g', source: 'http://example.com/x')
            """);
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));

    List<String> errors = Code.errorsOf(() -> c.compile("n1", Code.debian()));

    assertThat(errors).hasSize(7);
    assertThat(errors.get(0)).startsWith("site.groovy:1: file[/a]: source 'app/absent.conf'"
        + " not found: no file app/files/absent.conf (looked for ")
        .contains(code.dir().resolve("modules/app/files/absent.conf").toString());
    assertThat(errors.get(1))
        .isEqualTo("site.groovy:2: file[/b]: source 'nomodule/x': there is no module 'nomodule'");
    assertThat(errors.get(2)).startsWith("site.groovy:3: file[/c]: source 'app/../../site.groovy'"
        + " must be a plain path");
    assertThat(errors.get(3))
        .isEqualTo("site.groovy:4: file[/d] has both source and content: give one of them");
    assertThat(errors.get(4)).isEqualTo("site.groovy:5: file[/e]: checksum is computed from"
        + " source by the compiler; leave it out (only an https:// source needs one written in"
        + " code)");
    assertThat(errors.get(5)).isEqualTo("site.groovy:6: file[/f] has a source but ensure"
        + " 'directory': source needs ensure 'file'");
    assertThat(errors.get(6)).startsWith("site.groovy:7: file[/g]: source 'http://example.com/x'"
        + " must be 'module/path', 'stead:///modules/module/path' or an https:// URL with a"
        + " checksum");
  }

  @Test
  void anHttpsSourceCarriesTheChecksumTheCodeGives() throws Exception {
    String sum = sha256("tool\n");
    Code code = new Code(dir).file("site.groovy", """
        file('/usr/local/bin/tool') {
          source 'https://downloads.example.org/tool-1.2'
          checksum '%s'
          source_ca '/etc/ssl/example-ca.pem'
          mode '0755'
        }
        """.formatted(sum.toUpperCase().replace("SHA256:", "sha256:")));
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"), List.of());

    CatalogView.of(c.compile("n1", Code.debian())).resource("file[/usr/local/bin/tool]")
        .hasParameter("source", "https://downloads.example.org/tool-1.2")
        .hasParameter("checksum", sum)
        .hasParameter("source_ca", "/etc/ssl/example-ca.pem");
  }

  @Test
  void anHttpsSourceWithoutAGoodChecksumIsAnErrorAtTheDeclaration() throws Exception {
    Code code = new Code(dir)
        .file("modules/app/files/real.conf", "x\n")
        .file("site.groovy", """
            file('/a', source: 'https://example.org/a')
            file('/b', source: 'https://example.org/b', checksum: 'md5:abc')
            file('/c', source: 'https://example.org/c', checksum: '%s', source_ca: 'ca.pem')
            file('/d', source: 'app/real.conf', source_ca: '/etc/ssl/ca.pem')
            file('/e', source: 'https://user:pw@example.org/e', checksum: '%s')
            file('/f', source: 'https://example.org/f', checksum: '%s', ensure: 'directory')
            """.formatted(sha256("c"), sha256("e"), sha256("f")));
    Compiler c = Compiler.forManifest(code.dir().resolve("site.groovy"),
        List.of(code.dir().resolve("modules")));

    List<String> errors = Code.errorsOf(() -> c.compile("n1", Code.debian()));

    assertThat(errors).containsExactly(
        "site.groovy:1: file[/a]: source 'https://example.org/a' needs a checksum, e.g."
            + " checksum 'sha256:<64 hex digits>' (sha256sum of the file): the download is"
            + " checked against it",
        "site.groovy:2: file[/b]: checksum must be 'sha256:' followed by 64 hex digits, got"
            + " 'md5:abc'",
        "site.groovy:3: file[/c]: source_ca must be an absolute path to a PEM file of CA"
            + " certificates, got 'ca.pem'",
        "site.groovy:4: file[/d]: source_ca is only for an https:// source",
        "site.groovy:5: file[/e]: source 'https://user:pw@example.org/e' must not carry a"
            + " user name or password",
        "site.groovy:6: file[/f]: an https:// source is one file: it needs ensure 'file', not"
            + " 'directory'");
  }
}
