package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export { }}, {@code collect}, {@code fleetFacts}, and realize's shared query form. */
class ExportCollectTest {
  @TempDir Path dir;

  private static final String SITE = """
      node(~/^web\\d+/) {
        export {
          host(node) { ip facts.ip; tag 'web' }
        }
        file('/etc/motd', content: 'web')
      }
      node(~/^db\\d+/) {
        export { host(node, ip: facts.ip, tag: 'db') }
      }
      node('lb') {
        collect('host') { it.tags.contains('web') }
      }
      node('all') {
        collect('host')
      }
      """;

  private Compiler compiler() throws Exception {
    return new Code(dir).file("site.groovy", SITE).environment();
  }

  private static Catalog compile(Compiler c, String node, String ip, FleetView fleet)
      throws CompileException {
    return c.compile(node, Code.facts(Map.of("ip", ip)), Trusted.of(node), fleet);
  }

  /** The fleet as a master builds it: the exports of each node's latest catalog. */
  private static FleetView fleetOf(List<String> allowed, Catalog... catalogs) {
    FleetView.Builder b = FleetView.builder("fleet-facts.allow in the code directory", allowed);
    for (Catalog c : catalogs) {
      b.exports(c.getNode(), c.getExportsList());
    }
    return b.build();
  }

  @Test
  void anExportedResourceIsOfferedButNotManagedByItsNode() throws Exception {
    Catalog web = compile(compiler(), "web01", "10.0.0.1", FleetView.NONE);
    assertThat(web.getResourcesList()).extracting(Resource::getType).containsExactly("file");
    assertThat(web.getExportsList()).singleElement().satisfies(r -> {
      assertThat(r.getExported()).isTrue();
      assertThat(r.getTitle()).isEqualTo("web01");
      assertThat(r.getParametersMap().get("ip")).isEqualTo(Values.of("10.0.0.1"));
      assertThat(r.getTagsList()).containsExactly("web");
    });
  }

  @Test
  void collectDeclaresWhatOtherNodesExportAndTheFilterKeeps() throws Exception {
    Compiler c = compiler();
    Catalog web2 = compile(c, "web02", "10.0.0.2", FleetView.NONE);
    Catalog web1 = compile(c, "web01", "10.0.0.1", FleetView.NONE);
    Catalog db = compile(c, "db01", "10.0.0.9", FleetView.NONE);
    FleetView fleet = fleetOf(List.of(), web2, db, web1);
    CatalogView lb = CatalogView.of(compile(c, "lb", "10.0.0.5", fleet));
    lb.resource("host[web01]").hasParameter("ip", "10.0.0.1").tagged("web");
    lb.resource("host[web02]").hasParameter("ip", "10.0.0.2");
    lb.hasNoResource("host[db01]").hasResourceCount(2);
    assertThat(compile(c, "lb", "10.0.0.5", fleet).getResourcesList())
        .allSatisfy(r -> assertThat(r.getExported()).isTrue());

    CatalogView all = CatalogView.of(compile(c, "all", "10.0.0.6", fleet));
    all.resource("host[db01]").hasParameter("ip", "10.0.0.9");
    all.hasResourceCount(3);
  }

  @Test
  void onlyExportedResourcesAreVisibleToOtherNodes() throws Exception {
    Compiler c = compiler();
    // web01 manages file[/etc/motd] but does not export it: no query can reach it.
    Catalog web1 = compile(c, "web01", "10.0.0.1", FleetView.NONE);
    Compiler reader = new Code(dir).file("site.groovy", """
        node('lb') { collect('file') }
        """).environment();
    Catalog lb = reader.compile("lb", Code.debian(), Trusted.of("lb"), fleetOf(List.of(), web1));
    assertThat(lb.getResourcesList()).isEmpty();
  }

  @Test
  void theSameFleetInAnotherOrderGivesTheSameCatalog() throws Exception {
    Compiler c = compiler();
    Catalog web2 = compile(c, "web02", "10.0.0.2", FleetView.NONE);
    Catalog web1 = compile(c, "web01", "10.0.0.1", FleetView.NONE);
    Catalog db = compile(c, "db01", "10.0.0.9", FleetView.NONE);
    String one = compile(c, "all", "1", fleetOf(List.of(), web2, db, web1)).getDigest();
    String two = compile(c, "all", "1", fleetOf(List.of(), db, web1, web2)).getDigest();
    assertThat(one).isEqualTo(two);
    assertThat(fleetOf(List.of(), web2, db, web1).exportsDigest("host"))
        .isEqualTo(fleetOf(List.of(), web1, web2, db).exportsDigest("host"));
  }

  @Test
  void aNodeCollectsItsOwnExportsAsDeclaredNow() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('web01') {
          collect('host', tag: 'web')
          export { host('web01', ip: '10.0.0.1', tag: 'web') }
        }
        """).environment();
    Catalog own = compile(c, "web01", "x", FleetView.NONE);
    assertThat(own.getExportsList()).extracting(Resource::getTitle).containsExactly("web01");
    assertThat(own.getResourcesList()).singleElement()
        .satisfies(r -> assertThat(r.getExported()).isTrue());
  }

  @Test
  void collectingWhatThisCatalogDeclaresOrTwoNodesExportIsAnErrorAtTheCollect()
      throws Exception {
    Compiler exporter = new Code(dir.resolve("a")).file("site.groovy", """
        node(~/^web/) { export { host('shared', ip: facts.ip) } }
        """).environment();
    FleetView fleet = fleetOf(List.of(), compile(exporter, "web01", "10.0.0.1", FleetView.NONE),
        compile(exporter, "web02", "10.0.0.2", FleetView.NONE));
    Compiler both = new Code(dir.resolve("b")).file("site.groovy", """
        node('lb') {
          collect('host')
        }
        """).environment();
    assertThat(Code.errorsOf(() -> compile(both, "lb", "x", fleet))).singleElement()
        .asString().startsWith("site.groovy:2: collect('host'): host[shared] is exported by"
            + " both web01 (site.groovy:1) and web02 (site.groovy:1)");
    Compiler declares = new Code(dir.resolve("c")).file("site.groovy", """
        node('lb') {
          host('web01', ip: '1.1.1.1')
          collect('host')
        }
        """).environment();
    FleetView one = fleetOf(List.of(), compile(compiler(), "web01", "10.0.0.1", FleetView.NONE));
    assertThat(Code.errorsOf(() -> compile(declares, "lb", "x", one))).containsExactly(
        "site.groovy:3: collect('host'): host[web01], exported by web01 (site.groovy:3), is also"
            + " declared in this catalog at site.groovy:2");
  }

  @Test
  void exportedResourcesCarryNoRelationshipsAndNoSecretsAndAreNotManagedByReference()
      throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('web01') {
          export { host('web01') { ip '10.0.0.1'; requires pkg('x') } }
          pkg('x')
          file('/etc/a', content: 'x', requires: host('web01'))
        }
        """).environment();
    assertThat(Code.errorsOf(() -> compile(c, "web01", "x", FleetView.NONE))).containsExactly(
        "site.groovy:2: exported host[web01] has relationships (requires pkg[x]): an exported"
            + " resource carries none; relate it where it is collected",
        "site.groovy:4: file[/etc/a] requires host[web01], which is exported and not collected"
            + " here (an exported resource is managed by the nodes that collect it)");
  }

  @Test
  void realizeAndCollectShareOneQuerySyntax() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('web01') {
          virtual {
            user('alice', uid: 1001, tag: 'admins')
            user('bob', uid: 1002, tag: 'admins')
            user('carol', uid: 1003)
          }
          realize('user') { it.parameters.uid > 1001 && it.tags.contains('admins') }
          realize('user', tag: 'admins') { it.title == 'alice' }
          collect('user', tag: 'admins') { it.node != 'web01' }
        }
        """).environment();
    CatalogView v = CatalogView.of(compile(c, "web01", "x", FleetView.NONE));
    v.resource("user[alice]");
    v.resource("user[bob]");
    v.hasNoResource("user[carol]").hasResourceCount(2);
    Compiler everyone = new Code(dir.resolve("all")).file("site.groovy", """
        node('web01') {
          virtual { user('alice', uid: 1001); user('bob', uid: 1002) }
          realize('user')
        }
        """).environment();
    CatalogView.of(compile(everyone, "web01", "x", FleetView.NONE)).hasResourceCount(2);
    assertThat(Code.errorsOf(() -> new Code(dir.resolve("x")).file("site.groovy", """
        node('web01') {
          collect('host', owner: 'x')
        }
        """).environment().compile("web01", Code.debian()))).containsExactly(
        "site.groovy:2: collect('host', ...): unknown option 'owner' (known: tag, and a filter"
            + " closure: collect('host') { it.tags.contains('web') })");
  }

  @Test
  void fleetFactsReadsOnlyAllowedPathsSortedByNode() throws Exception {
    FleetView fleet = FleetView.builder("fleet-facts.allow in the code directory",
            List.of("networking.ip", "role"))
        .facts("web02", Code.facts(Map.of("networking", Map.of("ip", "10.0.0.2"), "role", "web",
            "secret_token", "s3")).getValuesMap())
        .facts("web01", Code.facts(Map.of("networking", Map.of("ip", "10.0.0.1"), "role", "web"))
            .getValuesMap())
        .facts("db01", Code.facts(Map.of("networking", Map.of("ip", "10.0.0.9"), "role", "db"))
            .getValuesMap())
        .build();
    Compiler c = new Code(dir).file("site.groovy", """
        node('lb') {
          def members = fleetFacts('networking.ip') { it.facts.role == 'web' }
          file('/etc/lb.conf', content: members.collect { "${it.node} ${it.value}" }.join('\\n'))
          def leaked = fleetFacts('role') { it.facts.secret_token != null }
          file('/etc/leak', content: "${leaked.size()}")
        }
        node('bad') {
          file('/etc/x', content: "${fleetFacts('secret_token')}")
        }
        """).environment();
    CatalogView lb = CatalogView.of(compile(c, "lb", "x", fleet));
    lb.resource("file[/etc/lb.conf]").hasParameter("content",
        "web01 10.0.0.1\nweb02 10.0.0.2");
    // A filter cannot see facts outside the allowlist: they read as absent.
    lb.resource("file[/etc/leak]").hasParameter("content", "0");
    assertThat(Code.errorsOf(() -> compile(c, "bad", "x", fleet))).containsExactly(
        "site.groovy:8: fleetFacts('secret_token'): secret_token is not in the fleet facts"
            + " allowlist (fleet-facts.allow in the code directory, which allows networking.ip,"
            + " role)");
  }

  @Test
  void theCompileCacheKeysOnTheCollectedExportsAndTheFleetFacts() throws Exception {
    Compiler c = compiler();
    CachingCompiler cache = new CachingCompiler(c);
    Catalog web1 = compile(c, "web01", "10.0.0.1", FleetView.NONE);
    FleetView before = fleetOf(List.of(), web1);
    CachingCompiler.Served first = cache.serve("lb", Code.debian(), Trusted.of("lb"), before);
    CachingCompiler.Served again = cache.serve("lb", Code.debian(), Trusted.of("lb"),
        fleetOf(List.of(), web1));
    assertThat(again.fromCache()).isTrue();
    assertThat(again.catalog().getDigest()).isEqualTo(first.catalog().getDigest());

    Catalog web2 = compile(c, "web02", "10.0.0.2", FleetView.NONE);
    CachingCompiler.Served after = cache.serve("lb", Code.debian(), Trusted.of("lb"),
        fleetOf(List.of(), web1, web2));
    assertThat(after.fromCache()).isFalse();
    assertThat(after.catalog().getDigest()).isNotEqualTo(first.catalog().getDigest());
    CatalogView.of(after.catalog()).resource("host[web02]");
  }

  @Test
  void withoutAMasterFleetFactsFindNothingAndCollectOnlyTheNodesOwnExports() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node('web01') {
          export { host('web01', ip: '10.0.0.1') }
          collect('host')
          file('/etc/members', content: "${fleetFacts('networking.ip').size()}")
        }
        """).environment();
    CatalogView v = CatalogView.of(c.compile("web01", Code.debian()));
    v.resource("host[web01]");
    v.resource("file[/etc/members]").hasParameter("content", "0");
    assertThat(Compiler.validate(dir, List.of())).isEmpty();
  }

  @Test
  void anAllowedMapAllowsThePathsInsideIt() throws Exception {
    FleetView fleet = FleetView.builder("the allowlist", List.of("networking"))
        .facts("web01", Code.facts(Map.of("networking", Map.of("ip", "10.0.0.1"), "os", "x"))
            .getValuesMap())
        .build();
    assertThat(fleet.allows("networking.ip")).isTrue();
    assertThat(fleet.allows("networkingx")).isFalse();
    Compiler c = new Code(dir).file("site.groovy", """
        node('lb') {
          file('/etc/ips', content: fleetFacts('networking.ip').collect { it.value }.join(','))
        }
        """).environment();
    CatalogView.of(compile(c, "lb", "x", fleet)).resource("file[/etc/ips]")
        .hasParameter("content", "10.0.0.1");
  }

  /** The examples of docs/language.md, as written there. */
  @Test
  void theDocumentedExamplesCompile() throws Exception {
    Compiler c = new Code(dir).file("site.groovy", """
        node(~/^web\\d+/) {
            export {                                   // offered to the environment, not managed here
                host(node) { ip facts.networking.ip; tag 'web' }
            }
        }
        node(~/^db\\d+/) {
            export { host(node, ip: facts.networking.ip, tag: 'db') }
        }
        node('lb01') {
            collect('host') { it.tags.contains('web') }   // every web node's host entry, managed here
            collect('host', tag: 'db')                    // the same query form as realize
            def web = fleetFacts('networking.ip') { it.facts.role == 'web' }
            file('/etc/haproxy/members') {
                content web.collect { "server ${it.node} ${it.value}:80\\n" }.join('')
            }
        }
        """).environment();
    Facts web = Code.facts(Map.of("networking", Map.of("ip", "10.0.0.1"), "role", "web"));
    Facts db = Code.facts(Map.of("networking", Map.of("ip", "10.0.0.9"), "role", "db"));
    FleetView fleet = FleetView.builder("the allowlist", List.of("networking.ip", "role"))
        .exports("web01", c.compile("web01", web).getExportsList())
        .exports("db01", c.compile("db01", db).getExportsList())
        .facts("web01", web.getValuesMap()).facts("db01", db.getValuesMap()).build();
    CatalogView lb = CatalogView.of(c.compile("lb01", Code.debian(), Trusted.of("lb01"), fleet));
    lb.resource("host[web01]").hasParameter("ip", "10.0.0.1");
    lb.resource("host[db01]").hasParameter("ip", "10.0.0.9");
    lb.resource("file[/etc/haproxy/members]").hasParameter("content",
        "server web01 10.0.0.1:80\n");
  }
}
