package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** modules/<m>/functions/*.groovy: helpers shared by a module's files and other modules. */
class HelperFunctionsTest {
  @TempDir Path dir;

  private Code app() {
    return new Code(dir)
        .file("modules/app/functions/urls.groovy", """
            // Helpers of the app module.
            String fqdn_url(String host, int port = 443) {
              "${port == 443 ? 'https' : 'http'}://${host}.${domain()}:${port}/"
            }
            """)
        .file("modules/app/functions/names.groovy", """
            String domain() {
              'example.com'
            }

            List<String> upper(List<String> names) {
              names.collect { it.toUpperCase() }
            }
            """)
        .file("modules/app/manifests/app.groovy", """
            define('app_site') { String url -> file("/etc/site-${title}") { content url } }
            klass('app') {
              app_site('a') { url fqdn_url('a') }
              file('/etc/app.url') { content fqdn_url('shop') }
              upper(['a', 'b']).each { n -> file("/etc/app.${n}") { content n } }
            }
            """);
  }

  @Test
  void callableInTheirModuleAndFromOthersByModuleName() throws Exception {
    Code code = app()
        .file("modules/web/manifests/web.groovy", """
            klass('web') {
              file('/etc/web.url') { content app.fqdn_url('www', 8080) }
            }
            """)
        .file("site.groovy", "node('default') {\n  include 'app'\n  include 'web'\n"
            + "  file('/etc/site.url') { content app.fqdn_url('site') }\n}\n");
    CatalogView c = CatalogView.of(code.environment().compile("n1", Code.debian()));
    c.resource("file[/etc/app.url]").hasParameter("content", "https://shop.example.com:443/");
    c.resource("file[/etc/web.url]").hasParameter("content", "http://www.example.com:8080/");
    c.resource("file[/etc/site.url]").hasParameter("content", "https://site.example.com:443/");
    c.resource("file[/etc/app.A]");
    c.resource("file[/etc/site-a]").hasParameter("content", "https://a.example.com:443/");
  }

  @Test
  void errorsNameTheFunctionsFileAndLine() throws Exception {
    Code code = app()
        .file("modules/app/functions/broken.groovy", "def half(n) {\n  n.nope()\n}\n")
        .file("site.groovy", "node('default') {\n  file('/x') { content app.half(2) }\n}\n");
    Compiler c = code.environment();
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian())))
        .containsExactly("modules/app/functions/broken.groovy:2: no method nope() for these"
            + " arguments");
  }

  @Test
  void anUnknownFunctionNamesWhatTheModuleHas() throws Exception {
    Code code = app().file("site.groovy", "node('default') {\n  app.nope()\n}\n");
    Compiler c = code.environment();
    assertThat(Code.errorsOf(() -> c.compile("n1", Code.debian()))).containsExactly(
        "site.groovy:2: module 'app' has no function 'nope' (it has domain, fqdn_url, upper)");
  }

  @Test
  void functionsAreSandboxedAndHoldOnlyDefinitions() throws Exception {
    Code code = app()
        .file("modules/app/functions/evil.groovy", "def home() {\n  System.getenv('HOME')\n}\n")
        .file("modules/app/functions/loose.groovy", "def a() { 1 }\n\n\nfile('/x') { content 'x' }\n")
        .file("site.groovy", "node('default') { }\n");
    assertThat(Code.errorsOf(code::environment))
        .anySatisfy(e -> assertThat(e).startsWith("modules/app/functions/evil.groovy:2:")
            .contains("sandbox: use of java.lang.System"))
        .anySatisfy(e -> assertThat(e).startsWith("modules/app/functions/loose.groovy:4:")
            .contains("a functions file holds function definitions only"));
  }

  @Test
  void aFunctionDefinedTwiceInAModuleIsAnError() throws Exception {
    Code code = app().file("modules/app/functions/zz.groovy", "String domain() { 'x' }\n")
        .file("site.groovy", "node('default') { }\n");
    assertThat(Code.errorsOf(code::environment)).containsExactly(
        "modules/app/functions/zz.groovy:0: function 'domain' of module 'app' is also defined"
            + " in modules/app/functions/names.groovy");
  }
}
