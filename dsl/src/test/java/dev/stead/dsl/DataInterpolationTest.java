package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interpolation in data values and paths, and lookup_options, as code sees them. */
class DataInterpolationTest {
  @TempDir Path dir;

  private Code webapp() {
    return new Code(dir)
        .file("data/common.yaml", """
            lookup_options:
              webapp::users: {merge: deep}
              "^webapp::.*_list$": {merge: unique}
            webapp::banner: "%{facts.os.family} host %{trusted.certname} (%{node}), %{lookup('site')}"
            webapp::users: {alice: {uid: 1001, groups: [staff]}}
            webapp::extra_list: [common]
            webapp::mirrors: "%{alias('mirrors')}"
            site: ams
            mirrors: [m1, m2]
            """)
        .file("data/os/Debian.yaml", """
            webapp::users: {alice: {groups: [sudo]}, bob: {uid: 1002}}
            webapp::extra_list: [debian]
            """)
        .file("modules/webapp/manifests/webapp.groovy", """
            klass('webapp') { String banner, Map users, List extra_list, List mirrors ->
              file('/etc/banner', content: banner)
              file('/etc/users', content: users.toString())
              file('/etc/extra', content: extra_list.join(','))
              file('/etc/mirrors', content: mirrors.join(','))
            }
            """)
        .file("site.groovy", "node('default') { include 'webapp' }\n");
  }

  @Test
  void classParametersGetInterpolatedValuesAndTheirLookupOptionsMerge() throws Exception {
    CatalogView c = CatalogView.of(webapp().environment().compile("web01", Code.debian()));
    c.resource("file[/etc/banner]").hasParameter("content", "Debian host web01 (web01), ams");
    // lookup_options: deep for users (lists united), unique by pattern for *_list
    c.resource("file[/etc/users]").hasParameter("content",
        "[alice:[uid:1001, groups:[staff, sudo]], bob:[uid:1002]]");
    c.resource("file[/etc/extra]").hasParameter("content", "debian,common");
    // alias keeps the list a list
    c.resource("file[/etc/mirrors]").hasParameter("content", "m1,m2");
  }

  @Test
  void aMergeNamedInCodeBeatsLookupOptions() throws Exception {
    Code code = webapp().file("site.groovy",
        "node('default') { file('/u', content: lookup('webapp::users', merge: 'first').toString()) }\n");
    CatalogView.of(code.environment().compile("web01", Code.debian())).resource("file[/u]")
        .hasParameter("content", "[alice:[groups:[sudo]], bob:[uid:1002]]");
  }

  @Test
  void aFactReadByInterpolationIsPartOfTheCachedCatalogsKey() throws Exception {
    CachingCompiler cache = new CachingCompiler(webapp().environment());
    cache.compile("web01", Code.debian(), Trusted.of("web01"));
    Facts redhat = Code.facts(Map.of("os", Map.of("family", "RedHat")));
    CatalogView c = CatalogView.of(cache.compile("web01", redhat, Trusted.of("web01")));
    c.resource("file[/etc/banner]").hasParameter("content", "RedHat host web01 (web01), ams");
    assertThat(cache.hits()).isZero();
  }

  @Test
  void interpolationProblemsNameTheDataFileAndTheKey() {
    Code alias = webapp().file("data/nodes/web01.yaml", "webapp::banner: \"x %{alias('site')}\"\n");
    assertThat(Code.errorsOf(() -> alias.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:1: data/nodes/web01.yaml:1: 'webapp::banner': "
            + "%{alias('site')}: alias must be the whole value ('x %{alias('site')}'); use lookup"
            + " to put a value inside a text");
    Code loop = webapp().file("data/nodes/web01.yaml", """
        site: "%{lookup('other')}"
        other: "%{lookup('site')}"
        """);
    assertThat(Code.errorsOf(() -> loop.environment().compile("web01", Code.debian())))
        .singleElement().asString().contains("recursive lookup: webapp::banner -> site -> other"
            + " -> site");
  }

  @Test
  void aKeysOwnOptionsBeatAPatternAndAMoreSpecificLevelsBeatALessSpecificOnes() throws Exception {
    Code code = webapp().file("data/nodes/web01.yaml", """
        lookup_options:
          webapp::extra_list: {merge: first}
        """);
    CatalogView.of(code.environment().compile("web01", Code.debian()))
        .resource("file[/etc/extra]").hasParameter("content", "debian");
    CatalogView.of(code.environment().compile("web02", Code.debian()))
        .resource("file[/etc/extra]").hasParameter("content", "debian,common");
  }

  @Test
  void aListOrMapCannotGoInsideAText() {
    Code code = webapp().file("data/nodes/web01.yaml", "webapp::banner: \"os: %{facts.os}\"\n");
    assertThat(Code.errorsOf(() -> code.environment().compile("web01", Code.debian())))
        .containsExactly("site.groovy:1: data/nodes/web01.yaml:1: 'webapp::banner': %{facts.os}"
            + " is a map, which cannot be put inside a text; use %{alias('KEY')} as the whole"
            + " value");
  }

  @Test
  void explainingALookupPointsAtTheDataFilesLine() throws Exception {
    Code code = webapp().file("data/nodes/web01.yaml", "x: 1\nsite: \"a %{alias('mirrors')}\"\n");
    assertThat(Code.errorsOf(() -> code.environment().explainLookup("site", null, "web01",
        Code.debian(), Trusted.of("web01")))).containsExactly("data/nodes/web01.yaml:2: 'site':"
            + " %{alias('mirrors')}: alias must be the whole value ('a %{alias('mirrors')}'); use"
            + " lookup to put a value inside a text");
  }

  @Test
  void badLookupOptionsAreLoadErrorsNamingTheFile() {
    Code code = new Code(dir).file("site.groovy", "")
        .file("data/common.yaml", """
            lookup_options:
              a: {merge: deeep}
              b: {merge: {strategy: unique, knockout_prefix: '--'}}
              c: {convert_to: Array}
              d: {merge: {strategy: deep, merge_hash_arrays: true}}
              e: {merge: {strategy: deep, knockout_prefix: 5}}
              f: {merge: {strategy: deep, sort_merged_arrays: 'yes'}}
            """)
        .file("modules/m/data/common.yaml", "lookup_options: {other::x: {merge: deep}}\n");
    assertThat(Code.errorsOf(code::environment)).containsExactlyInAnyOrder(
        "data/common.yaml:0: lookup_options for 'a': merge must be one of first, unique, hash,"
            + " deep, got 'deeep'",
        "data/common.yaml:0: lookup_options for 'b': merge option 'knockout_prefix' applies to"
            + " strategy deep only, not unique",
        "data/common.yaml:0: lookup_options for 'd': merge option 'merge_hash_arrays' is not"
            + " supported (Stead reads strategy, and knockout_prefix and sort_merged_arrays for"
            + " deep)",
        "data/common.yaml:0: lookup_options for 'e': knockout_prefix must be a non-empty text"
            + " such as '--', got a number",
        "data/common.yaml:0: lookup_options for 'f': sort_merged_arrays must be true or false,"
            + " got a string",
        "data/common.yaml:0: lookup_options for 'c': unknown option 'convert_to' (Stead knows:"
            + " merge)",
        "modules/m/data/common.yaml:0: lookup_options for 'other::x': module data may only set"
            + " options of its own keys, 'm::...'");
  }

  @Test
  void dollarPathsStillWorkWithADeprecationWarning() throws Exception {
    Code code = new Code(dir)
        .file("data.yaml", """
            hierarchy:
              - {name: per node, path: "nodes/${node}.yaml"}
              - {name: common, path: common.yaml}
            """)
        .file("data/nodes/web01.yaml", "motd: node\n")
        .file("data/common.yaml", "motd: common\n")
        .file("site.groovy", "node('default') { file('/m', content: lookup('motd')) }\n");
    Compiler compiler = code.environment();
    CatalogView.of(compiler.compile("web01", Code.debian())).resource("file[/m]")
        .hasParameter("content", "node");
    List<CompileError> warnings = compiler.warnings();
    assertThat(warnings).extracting(w -> w.getLocation().getFile() + ":"
        + w.getLocation().getLine() + ": " + w.getMessage()).containsExactly(
        "data.yaml:2: level 'per node': ${...} in 'nodes/${node}.yaml' is deprecated; write"
            + " %{...} as Hiera does: 'nodes/%{node}.yaml'");
  }
}
