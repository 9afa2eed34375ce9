package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinedTypeTest {
  @TempDir Path dir;

  private Code withVhostModule() {
    return new Code(dir).file("modules/web/manifests/vhost.groovy", """
        define('vhost') { String docroot = "/srv/${title}", int port = 80 ->
          file("/etc/nginx/sites/${title}.conf") {
            content "server ${title}:${port} root ${docroot}\\n"
            requires file('/etc/nginx/sites')
          }
          file(docroot, ensure: 'directory')
        }
        """);
  }

  @Test
  void instantiatedManyTimesWithTitleBodyAndNamedForms() throws Exception {
    Compiler c = withVhostModule().file("site.groovy", """
        node('default') {
          file('/etc/nginx/sites', ensure: 'directory')
          vhost('shop') { port 8080 }
          vhost('blog', port: 8081, docroot: '/var/www/blog')
          vhost('wiki')
        }
        """).environment();
    CatalogView v = CatalogView.of(c.compile("web01", Code.debian()));
    v.resource("file[/etc/nginx/sites/shop.conf]")
        .hasParameter("content", "server shop:8080 root /srv/shop\n")
        .requires("file[/etc/nginx/sites]").containedIn("vhost[shop]");
    v.resource("file[/etc/nginx/sites/blog.conf]")
        .hasParameter("content", "server blog:8081 root /var/www/blog\n");
    v.resource("file[/srv/wiki]").containedIn("vhost[wiki]");
    v.resource("file[/etc/nginx/sites/wiki.conf]").parameterContains("content", "wiki:80 ");
  }

  @Test
  void relationshipsWithAnInstanceReachEveryResourceInside() throws Exception {
    Compiler c = withVhostModule().file("site.groovy", """
        node('default') {
          file('/etc/nginx/sites', ensure: 'directory')
          file('/etc/nginx/nginx.conf', content: 'x')
          vhost('shop') { requires file('/etc/nginx/nginx.conf') }
          file('/etc/motd', content: 'hi', requires: vhost('shop'))
        }
        """).environment();
    CatalogView v = CatalogView.of(c.compile("web01", Code.debian()));
    v.resource("file[/etc/nginx/sites/shop.conf]").requires("file[/etc/nginx/nginx.conf]");
    v.resource("file[/srv/shop]").requires("file[/etc/nginx/nginx.conf]");
    v.resource("file[/etc/motd]").requires("file[/etc/nginx/sites/shop.conf]")
        .requires("file[/srv/shop]");
  }

  @Test
  void duplicateInstanceAndUnknownParameterAreErrors() {
    Code code = withVhostModule().file("site.groovy", """
        node('default') {
          file('/etc/nginx/sites', ensure: 'directory')
          vhost('shop', port: 1)
          vhost('shop', port: 2)
          vhost('blog') { colour 'red' }
          vhost('wiki', port: 'eighty')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactlyInAnyOrder(
            "site.groovy:4: duplicate declaration of vhost[shop]: first declared at site.groovy:3,"
                + " again at site.groovy:4",
            "site.groovy:5: unknown parameter 'colour' for vhost[blog] (known: docroot, port,"
                + " requires, before, notifies, subscribes, noop, tag)",
            "site.groovy:6: parameter 'port' of defined type 'vhost' must be int, got String eighty");
  }

  @Test
  void resourcesInsideMustBeUniquePerInstance() {
    Code code = new Code(dir).file("site.groovy", """
        define('badtype') { ->
          file('/etc/same', content: title)
        }
        node('default') {
          badtype('a')
          badtype('b')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .singleElement().asString()
        .startsWith("site.groovy:2: duplicate declaration of file[/etc/same]");
  }

  @Test
  void cannotShadowAResourceType() {
    Code code = new Code(dir).file("site.groovy", "define('file') { -> }\nnode('default') { }\n");
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:1: 'file' is a resource type or a built-in; choose another"
            + " name for the defined type");
  }
}
