package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Resource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code noop} on classes, defined type instances and scopes, as Puppet's metaparameter. */
class NoopClassTest {
  @TempDir Path dir;

  private CatalogView compile(String manifest) throws Exception {
    return CatalogView.of(new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  private java.util.List<String> errors(String manifest) {
    return Code.errorsOf(() -> new Code(dir).file("m.groovy", manifest).manifest("m.groovy")
        .compile("n1", Code.debian()));
  }

  @Test
  void noopOnAnIncludeReachesEverythingTheClassContains() throws Exception {
    CatalogView c = compile("""
        define('site') { file("/srv/${title}", ensure: 'directory') }
        klass('inner') { file('/inner', content: 'i') }
        klass('app') { String port = '80' ->
          file('/etc/app.conf', content: port)
          pkg('curl')
          include 'inner'
          site('shop')
        }
        klass('base') { file('/etc/motd', content: 'hi') }
        include 'app', port: '8080', noop: true
        include 'base'
        file('/top', content: 't')
        """);
    c.resource("file[/etc/app.conf]").isNoop().hasParameter("content", "8080")
        .hasNoParameter("noop");
    c.resource("pkg[curl]").isNoop();
    c.resource("file[/inner]").isNoop().containedIn("inner");
    c.resource("file[/srv/shop]").isNoop().containedIn("site[shop]");
    c.resource("file[/etc/motd]").isNotNoop();
    c.resource("file[/top]").isNotNoop();
    assertThat(c.catalog().getResourcesList().stream().filter(Resource::getNoop).count())
        .isEqualTo(4);
  }

  @Test
  void aResourcesOwnNoopWinsOverItsContainersAsInPuppet() throws Exception {
    CatalogView c = compile("""
        klass('quiet') { file('/q', content: 'q') }
        klass('app') {
          file('/a', content: 'a')
          file('/b', content: 'b', noop: false)
          file('/c') { content 'c'; noop false }
          include 'quiet', noop: false
        }
        include 'app', noop: true
        file('/d', content: 'd', noop: true)
        """);
    c.resource("file[/a]").isNoop();
    c.resource("file[/b]").isNotNoop();
    c.resource("file[/c]").isNotNoop();
    c.resource("file[/q]").isNotNoop();
    c.resource("file[/d]").isNoop();
  }

  @Test
  void noopStatementInAClassBodyAppliesToWhatIsDeclaredAfterIt() throws Exception {
    CatalogView c = compile("""
        klass('inner') { file('/inner', content: 'i') }
        klass('audit') {
          file('/before', content: 'b')
          noop true
          file('/after', content: 'a')
          include 'inner'
        }
        klass('audited') {
          noop true
          file('/x', content: 'x')
        }
        include 'audit'
        include 'audited'
        file('/outside', content: 'o')
        """);
    c.resource("file[/before]").isNotNoop();
    c.resource("file[/after]").isNoop();
    c.resource("file[/inner]").isNoop();
    c.resource("file[/x]").isNoop();
    c.resource("file[/outside]").isNotNoop();
  }

  @Test
  void noopStatementInANodeBlockMakesTheNodeNoop() throws Exception {
    CatalogView c = compile("""
        klass('base') { file('/etc/motd', content: 'hi') }
        node('n1') {
          noop true
          include 'base'
          file('/n', content: 'n')
        }
        """);
    c.resource("file[/etc/motd]").isNoop();
    c.resource("file[/n]").isNoop();
  }

  @Test
  void definedTypeInstancesTakeNoopLikeAClass() throws Exception {
    CatalogView c = compile("""
        define('vhost') { int port = 80 ->
          file("/etc/vhost/${title}", content: "${port}")
        }
        file('/etc/vhost', ensure: 'directory')
        vhost('a', noop: true)
        vhost('b') { port 81; noop true }
        vhost('c')
        """);
    c.resource("file[/etc/vhost/a]").isNoop();
    c.resource("file[/etc/vhost/b]").isNoop().hasParameter("content", "81");
    c.resource("file[/etc/vhost/c]").isNotNoop();
    c.resource("file[/etc/vhost]").isNotNoop();
  }

  @Test
  void typedDefaultsSetNoopInTheirScopeOnly() throws Exception {
    CatalogView c = compile("""
        klass('other') { file('/other', content: 'o') }
        klass('app') {
          defaults('file', noop: true)
          file('/a', content: 'a')
          file('/b', content: 'b', noop: false)
          pkg('curl', ensure: 'installed')
          include 'other'
        }
        include 'app'
        file('/top', content: 't')
        """);
    c.resource("file[/a]").isNoop();
    c.resource("file[/b]").isNotNoop();
    c.resource("pkg[curl]").isNotNoop();
    // Defaults never reach into the classes a scope includes.
    c.resource("file[/other]").isNotNoop();
    c.resource("file[/top]").isNotNoop();
  }

  @Test
  void defaultsBodyFormTakesNoopToo() throws Exception {
    compile("""
        defaults('file') { noop true; mode '0600' }
        file('/a', content: 'a')
        """).resource("file[/a]").isNoop().hasParameter("mode", "0600");
  }

  @Test
  void includingAClassAgainWithAnotherNoopIsAConflictNamingBothPlaces() {
    assertThat(errors("""
        klass('app') { file('/a', content: 'a') }
        include 'app'
        include 'app', noop: true
        """)).singleElement().satisfies(e -> assertThat(e)
            .startsWith("m.groovy:3: class 'app' is included with conflicting parameters:")
            .contains("{noop=true} here").contains("at m.groovy:2"));
  }

  @Test
  void nonBooleanNoopIsAnErrorAtItsLine() {
    assertThat(errors("""
        klass('app') { file('/a', content: 'a') }
        define('site') { file("/s/${title}", content: 's') }
        include 'app', noop: 'yes'
        site('x', noop: 1)
        klass('b') {
          noop 'true'
        }
        include 'b'
        file('/f', content: 'f', noop: 'no')
        """)).containsExactlyInAnyOrder(
            "m.groovy:3: noop of class 'app' must be true or false, got String yes",
            "m.groovy:4: noop of site[x] must be true or false, got Integer 1",
            "m.groovy:6: noop must be true or false, got String true",
            "m.groovy:9: noop of file[/f] must be true or false, got String no");
  }

  @Test
  void noopIsNoClassParameterName() {
    assertThat(errors("""
        klass('app') { boolean noop = false -> file('/a', content: 'a') }
        define('site') { boolean noop -> }
        include 'app'
        """)).contains(
            "m.groovy:1: class 'app' cannot have a parameter named 'noop': noop is a metaparameter"
                + " (include 'app', noop: true)",
            "m.groovy:2: defined type 'site' cannot have a parameter named 'noop': noop is a"
                + " metaparameter (site('title', noop: true))");
  }

  @Test
  void defaultsWithoutATypeSaysWhatToWrite() {
    assertThat(errors("defaults(noop: true)\nfile('/a', content: 'a')\n")).containsExactly(
        "m.groovy:1: defaults() needs a resource type, e.g. defaults('file', noop: ...);"
            + " to make everything declared later in this scope noop, write noop true");
  }
}
