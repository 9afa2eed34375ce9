package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLookupTest {
  @TempDir Path dir;

  private Code env() {
    return new Code(dir)
        .file("data/common.yaml", """
            ntp::servers: [pool.ntp.org]
            motd: common motd
            users: {alice: {uid: 1001, shell: /bin/sh}}
            packages: [curl]
            """)
        .file("data/os/Debian.yaml", """
            motd: debian motd
            packages: [apt-transport-https, curl]
            users: {alice: {shell: /bin/bash}, bob: {uid: 1002}}
            """)
        .file("data/nodes/web01.yaml", """
            motd: web01 motd
            ntp::servers: [ntp1.example.com, ntp2.example.com]
            """)
        .file("modules/ntp/data/common.yaml", """
            ntp::servers: [module.pool.ntp.org]
            ntp::port: 123
            """)
        .file("modules/ntp/manifests/ntp.groovy", """
            klass('ntp') { List servers, int port, String driftfile = '/var/lib/ntp/drift' ->
              file('/etc/ntp.conf', content: "${servers.join(' ')} ${port} ${driftfile}\\n")
            }
            """);
  }

  private CatalogView compile(Code code, String site, String node, Facts facts)
      throws Exception {
    code.file("site.groovy", site);
    return CatalogView.of(code.environment().compile(node, facts));
  }

  @Test
  void mostSpecificLevelWins() throws Exception {
    String site = "node('default') { file('/etc/motd', content: lookup('motd')) }\n";
    assertThat(compile(env(), site, "web01", Code.debian()).resource("file[/etc/motd]")
        .parameter("content")).isEqualTo("web01 motd");
    assertThat(compile(env(), site, "web02", Code.debian()).resource("file[/etc/motd]")
        .parameter("content")).isEqualTo("debian motd");
    assertThat(compile(env(), site, "web02", Code.facts(Map.of("os", Map.of("family", "RedHat"))))
        .resource("file[/etc/motd]").parameter("content")).isEqualTo("common motd");
  }

  @Test
  void mergeStrategies() throws Exception {
    String site = """
        node('default') {
          file('/unique', content: lookup('packages', merge: 'unique').join(','))
          file('/hash', content: lookup('users', merge: 'hash').toString())
          file('/deep', content: lookup('users', merge: 'deep').toString())
          file('/default', content: lookup('absent', default: 'fallback'))
        }
        """;
    CatalogView c = compile(env(), site, "web02", Code.debian());
    c.resource("file[/unique]").hasParameter("content", "apt-transport-https,curl");
    c.resource("file[/hash]").hasParameter("content",
        "[alice:[shell:/bin/bash], bob:[uid:1002]]");
    c.resource("file[/deep]").hasParameter("content",
        "[alice:[uid:1001, shell:/bin/bash], bob:[uid:1002]]");
    c.resource("file[/default]").hasParameter("content", "fallback");
  }

  @Test
  void classParametersBindFromDataThenModuleDefaultsThenCodeDefaults() throws Exception {
    String site = "node('default') { include 'ntp' }\n";
    compile(env(), site, "web01", Code.debian()).resource("file[/etc/ntp.conf]")
        .hasParameter("content", "ntp1.example.com ntp2.example.com 123 /var/lib/ntp/drift\n");
    compile(env(), site, "db01", Code.debian()).resource("file[/etc/ntp.conf]")
        .hasParameter("content", "pool.ntp.org 123 /var/lib/ntp/drift\n");
  }

  @Test
  void passedParametersBeatData() throws Exception {
    compile(env(), "node('default') { include 'ntp', servers: ['x'], port: 9 }\n", "web01",
        Code.debian()).resource("file[/etc/ntp.conf]")
        .hasParameter("content", "x 9 /var/lib/ntp/drift\n");
  }

  @Test
  void deepMergeKnocksOutAndSortsAsLookupOptionsSay() throws Exception {
    Code code = new Code(dir)
        .file("data/common.yaml", """
            lookup_options:
              ntp::servers: {merge: {strategy: deep, knockout_prefix: '--'}}
              admins: {merge: {strategy: deep, sort_merged_arrays: true}}
              mixed: {merge: {strategy: deep, sort_merged_arrays: true}}
            ntp::servers: [old.pool.ntp.org, pool.ntp.org]
            admins: [zoe, alice]
            mixed: [1]
            """)
        .file("data/nodes/web01.yaml", """
            ntp::servers: [--old.pool.ntp.org, ntp1.example.com]
            admins: [bob]
            mixed: [a]
            """)
        .file("modules/ntp/manifests/ntp.groovy", """
            klass('ntp') { List servers ->
              file('/etc/ntp.conf', content: servers.join(' '))
            }
            """);
    String site = """
        node('default') {
          include 'ntp'
          file('/admins', content: lookup('admins').join(','))
        }
        """;
    CatalogView c = compile(code, site, "web01", Code.debian());
    c.resource("file[/etc/ntp.conf]").hasParameter("content", "pool.ntp.org ntp1.example.com");
    c.resource("file[/admins]").hasParameter("content", "alice,bob,zoe");
    // Another node reads only common.yaml: nothing is merged, so nothing is knocked out.
    compile(code, site, "web02", Code.debian()).resource("file[/etc/ntp.conf]")
        .hasParameter("content", "old.pool.ntp.org pool.ntp.org");

    Code mixed = code.file("site.groovy", "node('default') {\n  lookup('mixed')\n}\n");
    assertThat(Code.errorsOf(() -> mixed.environment().compile("web01", Code.debian())))
        .singleElement().asString().contains("site.groovy:2:")
        .contains("merge 'deep' of 'mixed' with sort_merged_arrays cannot sort [1, a]");
  }

  @Test
  void missingKeyNamesTheKeyAndEveryFileSearched() {
    Code code = env().file("site.groovy", "node('default') {\n  file('/x', content: lookup('nope'))\n}\n");
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:2: no data for key 'nope' (searched data/nodes/web01.yaml,"
            + " data/os/Debian.yaml, data/common.yaml)");
  }

  @Test
  void missingClassParameterNamesTheDataKey() {
    Code code = new Code(dir)
        .file("modules/app/manifests/app.groovy", "klass('app') { int port -> }\n")
        .file("site.groovy", "node('default') {\n  include 'app'\n}\n");
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:2: class 'app' needs parameter 'port': not passed, and no"
            + " data for 'app::port' in data/nodes/web01.yaml, data/os/Debian.yaml,"
            + " data/common.yaml");
  }

  @Test
  void configurableHierarchyWithTrustedCertname() throws Exception {
    Code code = new Code(dir)
        .file("data.yaml", """
            hierarchy:
              - {name: certificate, path: "certs/%{trusted.certname}.yaml"}
              - {name: datacenter, path: "dc/%{facts.dc}.yaml"}
            """)
        .file("data/certs/web01.yaml", "secret: for web01 only\n")
        .file("data/dc/ams.yaml", "secret: datacenter\n");
    String site = "node('default') { file('/s', content: lookup('secret', default: 'none')) }\n";
    compile(code, site, "web01", Code.debian()).resource("file[/s]")
        .hasParameter("content", "for web01 only");
    // A node picking a fact value that points elsewhere gets nothing from it.
    compile(code, site, "web02", Code.facts(Map.of("dc", "../certs/web01")))
        .resource("file[/s]").hasParameter("content", "none");
    compile(code, site, "web02", Code.facts(Map.of("dc", "ams")))
        .resource("file[/s]").hasParameter("content", "datacenter");
  }

  @Test
  void explainSaysWhereEachValueCameFrom() throws Exception {
    Compiler c = env().file("site.groovy", "").environment();
    LookupExplanation e = c.explainLookup("ntp::servers", MergeStrategy.UNIQUE, "web01",
        Code.debian(), Trusted.of("web01"));
    assertThat(e.value()).contains(List.of("ntp1.example.com", "ntp2.example.com",
        "pool.ntp.org", "module.pool.ntp.org"));
    assertThat(e.steps()).extracting(LookupExplanation.Step::file, LookupExplanation.Step::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("data/nodes/web01.yaml", LookupExplanation.Outcome.FOUND),
            org.assertj.core.groups.Tuple.tuple("data/os/Debian.yaml", LookupExplanation.Outcome.KEY_ABSENT),
            org.assertj.core.groups.Tuple.tuple("data/common.yaml", LookupExplanation.Outcome.FOUND),
            org.assertj.core.groups.Tuple.tuple("modules/ntp/data/common.yaml", LookupExplanation.Outcome.FOUND));
  }

  @Test
  void badDataFilesAreLoadErrorsWithLines() {
    Code code = new Code(dir)
        .file("site.groovy", "")
        .file("data/common.yaml", "a: 1\nb: [unclosed\n")
        .file("data/os/Debian.yaml", "a: 1\na: 2\n")
        .file("modules/m/data/common.yaml", "other::key: 1\n")
        .file("data.yaml", "hierarchy:\n  - {name: x, path: '../../etc/passwd.yaml'}\n");
    assertThat(Code.errorsOf(code::environment)).anySatisfy(e ->
            assertThat(e).startsWith("data/common.yaml:3: invalid YAML"))
        .anySatisfy(e -> assertThat(e).startsWith("data/os/Debian.yaml:2: invalid YAML")
            .contains("duplicate key a"))
        .anySatisfy(e -> assertThat(e).isEqualTo("modules/m/data/common.yaml:0: module data may"
            + " only hold keys of its own module, 'm::...', found 'other::key'"))
        .anySatisfy(e -> assertThat(e).isEqualTo("data.yaml:2: level 'x': path"
            + " '../../etc/passwd.yaml' must stay inside data/"));
  }

  @Test
  void yamlTagsThatBuildObjectsAreRefused() {
    Code code = new Code(dir).file("site.groovy", "")
        .file("data/common.yaml", "x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n");
    assertThat(Code.errorsOf(code::environment)).singleElement().asString()
        .startsWith("data/common.yaml:1: invalid YAML");
  }
}
