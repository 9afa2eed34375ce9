package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedAndDefaultsTest {
  @TempDir Path dir;

  @Test
  void trustedCertnameComesFromTheCertificateNotFromFacts() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('default') {
          file('/etc/certname', content: trusted.certname)
          file('/etc/ext', content: trusted.extensions.toString())
        }
        """).environment();
    var forged = Code.facts(Map.of("trusted", Map.of("certname", "db01"), "certname", "db01"));
    CatalogView v = CatalogView.of(c.compile("web01", forged, Trusted.of("web01")));
    v.resource("file[/etc/certname]").hasParameter("content", "web01");
    v.resource("file[/etc/ext]").hasParameter("content", "[:]");
    CatalogView byDefault = CatalogView.of(c.compile("web02", forged));
    byDefault.resource("file[/etc/certname]").hasParameter("content", "web02");
  }

  @Test
  void trustedIsReadOnly() {
    Code code = new Code(dir).file("site.groovy",
        "node('default') {\n  trusted.certname = 'db01'\n}\n");
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .singleElement().asString().startsWith("site.groovy:2: UnsupportedOperationException");
  }

  @Test
  void defaultsApplyToLaterResourcesOfTheSameScopeOnly() throws Exception {
    Compiler c = new Code(dir)
        .file("modules/app/manifests/app.groovy", """
            klass('app') {
              file('/etc/app.conf', content: 'a')
            }
            """)
        .file("site.groovy", """
            node('default') {
              file('/etc/before', content: 'b')
              defaults('file') { mode '0640'; owner 'root' }
              file('/etc/after', content: 'c')
              file('/etc/explicit', content: 'd', mode: '0600')
              file('/etc/bare')
              include 'app'
            }
            """).environment();
    CatalogView v = CatalogView.of(c.compile("web01", Code.debian()));
    v.resource("file[/etc/before]").hasNoParameter("mode");
    v.resource("file[/etc/after]").hasParameter("mode", "0640").hasParameter("owner", "root");
    v.resource("file[/etc/explicit]").hasParameter("mode", "0600").hasParameter("owner", "root");
    v.resource("file[/etc/bare]").hasParameter("mode", "0640");
    v.resource("file[/etc/app.conf]").hasNoParameter("mode");
  }

  @Test
  void defaultsAreCheckedLikeParameters() {
    Code code = new Code(dir).file("site.groovy", """
        node('default') {
          defaults('file', mode: 644)
          defaults('nosuch') { x 1 }
          defaults('file') { colour 'red' }
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly(
            "site.groovy:2: parameter 'mode' of file[defaults] must be a string, got Integer 644"
                + " (write the mode as a quoted octal string, e.g. '0644')",
            "site.groovy:3: defaults(): unknown resource type 'nosuch'",
            "site.groovy:4: unknown parameter 'colour' for file[defaults] (known: "
                + String.join(", ", dev.stead.types.ResourceTypes.FILE.parametersByName().keySet())
                + ", requires, before, notifies, subscribes, noop, tag)");
  }

  @Test
  void catalogSizeIsBounded() throws Exception {
    Compiler c = new Code(dir).file("site.groovy",
        "node('default') {\n  (1..100).each { file(\"/f${it}\", content: 'x') }\n}\n")
        .environment().withMaxResources(50);
    assertThat(Code.errorsOf(() -> c.compile("web01", Code.debian()))).containsExactly(
        "site.groovy:2: catalog has more than 50 resources, the most one catalog may hold");
  }
}
