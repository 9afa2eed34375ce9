package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Virtual resources and {@code realize}, and tags (automatic and {@code tag 'x'}). */
class VirtualAndTagsTest {
  @TempDir Path dir;

  private Code withAccounts() {
    return new Code(dir).file("modules/accounts/manifests/init.groovy", """
        klass('accounts') {
          virtual {
            user('alice') { uid 1001; tag 'admins' }
            user('bob', uid: 1002, tag: ['admins', 'dev'])
            user('carol') { uid 1003 }
            pkg('sudo')
          }
        }
        """);
  }

  @Test
  void virtualResourcesAreManagedOnlyOnceRealized() throws Exception {
    CatalogView v = CatalogView.of(withAccounts().file("site.groovy", """
        node('default') {
          include 'accounts'
          realize user('carol')
          realize user('carol'), pkg('sudo')
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("user[carol]").hasParameter("uid", 1003L).containedIn("accounts");
    v.resource("pkg[sudo]");
    v.hasNoResource("user[alice]").hasNoResource("user[bob]").hasResourceCount(2);
  }

  @Test
  void realizeByTypeAndTag() throws Exception {
    CatalogView v = CatalogView.of(withAccounts().file("site.groovy", """
        node('default') {
          include 'accounts'
          realize('user', tag: 'admins')
          realize('user', tag: ['admins'])
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("user[alice]").tagged("admins");
    v.resource("user[bob]").tagged("admins", "dev");
    v.hasNoResource("user[carol]").hasNoResource("pkg[sudo]");
  }

  @Test
  void realizingWhatWasNeverDeclaredIsAnErrorAtItsLine() {
    Code code = withAccounts().file("site.groovy", """
        node('default') {
          include 'accounts'
          file('/etc/sudoers', content: 'x', requires: user('alice'))
          realize user('dave')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly(
            "site.groovy:4: realize(user[dave]): user[dave] is not declared, virtually or"
                + " otherwise",
            "site.groovy:3: file[/etc/sudoers] requires user[alice], which is virtual and never"
                + " realized (realize(user[alice]))");
  }

  @Test
  void aVirtualAndARealDeclarationOfOneResourceAreDuplicates() {
    Code code = withAccounts().file("site.groovy", """
        node('default') {
          include 'accounts'
          user('alice', uid: 5)
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .singleElement().asString()
        .startsWith("site.groovy:3: duplicate declaration of user[alice]: first declared at"
            + " modules/accounts/manifests/init.groovy:3");
  }

  @Test
  void onlyResourcesCanBeVirtualAndRealizingARealResourceIsHarmless() throws Exception {
    Code code = withAccounts().file("modules/web/manifests/vhost.groovy", """
        define('vhost') { ->
          file("/srv/${title}", ensure: 'directory')
        }
        """).file("site.groovy", """
        node('default') {
          virtual {
            include 'accounts'
            vhost('shop')
          }
          defaults('file', tag: 'x')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly(
            "site.groovy:3: virtual { } declares resources only; include 'accounts' outside it",
            "site.groovy:4: virtual { } declares resources only, not defined type instances"
                + " like vhost[shop]",
            "site.groovy:6: defaults('file') may set parameters and noop only, not tags: put"
                + " tag 'x' in the class body to tag everything in it");
    CatalogView v = CatalogView.of(new Code(dir).file("site.groovy", """
        node('default') {
          file('/etc/motd', content: 'hi')
          realize file('/etc/motd')
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("file[/etc/motd]").hasParameter("content", "hi");
  }

  @Test
  void tagsAreAutomaticAndFlowFromClassesIntoTheirResources() throws Exception {
    CatalogView v = CatalogView.of(new Code(dir)
        .file("modules/web/manifests/init.groovy", """
            klass('web::nginx') {
              tag 'frontend'
              pkg('nginx') { ensure 'installed'; tag 'Critical' }
              file('/etc/nginx/nginx.conf', content: 'x')
              pkg('nginx-extras')
              include 'web::logs'
            }
            klass('web::logs') {
              file('/var/log/nginx', ensure: 'directory')
            }
            """)
        .file("site.groovy", """
            node('default') {
              include 'web::nginx'
              file('/etc/motd', content: 'hi')
            }
            """).environment().compile("web01", Code.debian()));
    v.resource("pkg[nginx]")
        .tagged("pkg", "nginx", "web::nginx", "web", "frontend", "critical");
    assertThat(v.resource("pkg[nginx]").resource().getTagsList())
        .containsExactly("critical", "frontend");
    // A body-less declaration is in its class like any other.
    v.resource("pkg[nginx-extras]").tagged("pkg", "nginx-extras", "web", "frontend")
        .containedIn("web::nginx");
    v.resource("file[/etc/nginx/nginx.conf]").tagged("file", "web", "frontend")
        .notTagged("critical");
    v.resource("file[/var/log/nginx]").tagged("web::logs", "logs", "web::nginx", "frontend");
    v.resource("file[/etc/motd]").tagged("file").notTagged("web").notTagged("frontend");
  }

  @Test
  void aDefinedTypeInstanceTagsItsResources() throws Exception {
    CatalogView v = CatalogView.of(new Code(dir)
        .file("modules/web/manifests/vhost.groovy", """
            define('vhost') { int port = 80 ->
              file("/etc/vhosts/${title}.conf", content: "${port}")
            }
            """)
        .file("site.groovy", """
            node('default') {
              vhost('shop') { port 8080; tag 'shop_team' }
              vhost('blog', tag: ['blog_team'])
            }
            """).environment().compile("web01", Code.debian()));
    v.resource("file[/etc/vhosts/shop.conf]").tagged("vhost", "shop_team").notTagged("blog_team");
    v.resource("file[/etc/vhosts/blog.conf]").tagged("vhost", "blog_team");
  }

  @Test
  void badTagsAreErrorsAtTheirLine() {
    Code code = new Code(dir).file("site.groovy", """
        node('default') {
          file('/a', content: 'x') { tag 'not a tag' }
          tag 'x'
          file('/b', content: 'x', tag: 5)
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly(
            "site.groovy:2: tag String not a tag is not a tag: use lower-case letters, digits,"
                + " _ : . - (not starting with : . -)",
            "site.groovy:3: tag belongs in a class, defined type or resource body",
            "site.groovy:4: tag Integer 5 is not a tag: use lower-case letters, digits,"
                + " _ : . - (not starting with : . -)");
  }
}
