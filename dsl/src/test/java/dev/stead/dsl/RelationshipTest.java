package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.EdgeKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes as relationship targets, {@code contain}, and the chaining operators. */
class RelationshipTest {
  @TempDir Path dir;

  private Code withModules() {
    return new Code(dir)
        .file("modules/base/manifests/init.groovy", """
            klass('base') {
              file('/etc/motd', content: 'hi')
              pkg('curl') { ensure 'installed' }
              include 'ntp'
            }
            """)
        .file("modules/ntp/manifests/init.groovy", """
            klass('ntp') {
              pkg('ntpsec') { ensure 'installed' }
            }
            """)
        .file("modules/app/manifests/init.groovy", """
            klass('app') {
              contain 'app::config'
              service('app') { ensure 'running' }
            }
            klass('app::config') {
              file('/etc/app.conf', content: 'x')
            }
            """);
  }

  @Test
  void aResourceRequiresEveryResourceOfAClassButNotOfTheClassesItOnlyIncludes() throws Exception {
    CatalogView v = CatalogView.of(withModules().file("site.groovy", """
        node('default') {
          include 'base'
          file('/etc/issue', content: 'x', requires: klass('base'))
          file('/etc/issue.net') {
            content 'y'
            before klass('base')
          }
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("file[/etc/issue]").requires("file[/etc/motd]").requires("pkg[curl]");
    v.resource("file[/etc/issue.net]").before("file[/etc/motd]").before("pkg[curl]");
    // include, unlike contain, does not put ntp inside base (as in Puppet).
    assertThat(v.hasEdge("file[/etc/issue]", EdgeKind.REQUIRES, "pkg[ntpsec]")).isFalse();
  }

  @Test
  void containKeepsTheContainedClassInsideForOrdering() throws Exception {
    CatalogView v = CatalogView.of(withModules().file("site.groovy", """
        node('default') {
          include 'app'
          file('/etc/first', content: 'x', before: klass('app'))
        }
        """).environment().compile("web01", Code.debian()));
    v.includesClass("app::config");
    v.resource("file[/etc/first]").before("service[app]").before("file[/etc/app.conf]");
  }

  @Test
  void includeTakesRelationshipsOfTheWholeClass() throws Exception {
    CatalogView v = CatalogView.of(withModules().file("site.groovy", """
        node('default') {
          include 'base'
          include 'app', requires: klass('base')
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("service[app]").requires("file[/etc/motd]").requires("pkg[curl]");
    v.resource("file[/etc/app.conf]").requires("file[/etc/motd]");
  }

  @Test
  void chainingOrdersAndNotifiesResourcesAndClasses() throws Exception {
    CatalogView v = CatalogView.of(withModules().file("site.groovy", """
        node('default') {
          include 'base'
          include 'app'
          file('/a', content: 'a') >> file('/b', content: 'b') >> file('/c') { content 'c' }
          file('/etc/app.env', content: 'x') >>> service('app')
          klass('base') >> klass('app')
          pkg('nginx') { ensure 'installed' } >> file('/etc/nginx.conf') { content 'x' } >> service('nginx') { ensure 'running' }
          pkg('nginx') >> [file('/a'), file('/b')]
        }
        """).environment().compile("web01", Code.debian()));
    v.resource("file[/a]").before("file[/b]");
    v.resource("file[/b]").before("file[/c]");
    v.resource("file[/etc/app.env]").notifies("service[app]");
    v.resource("file[/etc/motd]").before("service[app]").before("file[/etc/app.conf]");
    v.resource("pkg[nginx]").before("file[/a]").before("file[/b]")
        .before("file[/etc/nginx.conf]");
    v.resource("file[/etc/nginx.conf]").before("service[nginx]");
  }

  @Test
  void chainingWorksAsAStatementInsideAClassAndADefinedType() throws Exception {
    CatalogView v = CatalogView.of(new Code(dir)
        .file("modules/web/manifests/init.groovy", """
            klass('web') {
              pkg('nginx') { ensure 'installed' }
              file('/etc/nginx.conf', content: 'x')
              service('nginx') { ensure 'running' }
              pkg('nginx') >> file('/etc/nginx.conf') >>> service('nginx')
              site('a')
            }
            define('site') { ->
              file("/etc/nginx/sites/${title}", content: title)
              file("/etc/nginx/sites/${title}") >>> service('nginx')
            }
            """)
        .file("site.groovy", "node('default') { include 'web' }\n")
        .environment().compile("web01", Code.debian()));
    v.resource("pkg[nginx]").before("file[/etc/nginx.conf]");
    v.resource("file[/etc/nginx.conf]").notifies("service[nginx]");
    v.resource("file[/etc/nginx/sites/a]").notifies("service[nginx]");
  }

  @Test
  void aCycleThroughAClassIsReportedWithItsLine() {
    Code code = withModules().file("site.groovy", """
        node('default') {
          include 'app'
          file('/etc/app.conf.d', ensure: 'directory', requires: klass('app'))
          file('/etc/app.conf.d') >> klass('app')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:4: dependency cycle: file[/etc/app.conf.d] ->"
            + " file[/etc/app.conf] -> file[/etc/app.conf.d]");
  }

  @Test
  void relationshipsWithWhatIsNotThereNameTheLine() {
    Code code = withModules().file("site.groovy", """
        node('default') {
          file('/a', content: 'x', requires: klass('nope'))
          file('/b', content: 'x')
          file('/b') >> file('/missing')
          include 'base', before: klass('app')
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly(
            "site.groovy:2: file[/a] requires class[nope], which is a class this catalog does"
                + " not include",
            "site.groovy:4: file[/b] before file[/missing], which is not declared in this"
                + " catalog",
            "site.groovy:5: class[base] before class[app], which is a class this catalog does"
                + " not include");
  }

  @Test
  void theSandboxAllowsTheChainOperatorsOnReferencesOnly() {
    Code code = new Code(dir).file("site.groovy", """
        node('default') {
          file('/a', content: 'x')
          def n = 8 >> 1
          file('/b', content: "${n}")
          file('/a').markUsed()
        }
        """);
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:5: sandbox: calling markUsed() on a resource reference is"
            + " not allowed in Stead code (a reference takes >> and >>>)");
    Code reads = new Code(dir).file("site.groovy", """
        node('default') {
          file('/a', content: 'x').used
        }
        """);
    assertThat(Code.errorsOf(() -> reads.environment().compile("web01", Code.debian())))
        .singleElement().asString().startsWith("site.groovy:2: sandbox: reading 'used' of");
  }
}
