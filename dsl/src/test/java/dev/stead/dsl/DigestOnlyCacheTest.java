package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cache that holds one catalog still knows the digests of the ones it pushed out. */
class DigestOnlyCacheTest {
  @TempDir Path dir;

  private static final String SITE = """
      node(~/^web\\d+/) {
        export { host(node) { ip facts.ip; tag 'web' } }
        file('/etc/motd', content: 'web ' + facts.ip)
      }
      node(~/^lb\\d+/) {
        collect('host')
        file('/etc/motd', content: 'lb ' + facts.ip)
      }
      """;

  private Compiler compiler(String site) throws Exception {
    return new Code(dir).file("site.groovy", site).environment();
  }

  private static Facts facts(String ip, long uptime) {
    return Code.facts(Map.of("ip", ip, "uptime", uptime));
  }

  /** Room for exactly one of these catalogs. */
  private static CachingCompiler oneCatalog(Compiler c) throws Exception {
    long size = c.compile("web01", facts("10.0.0.1", 0), Trusted.of("web01"), FleetView.NONE)
        .getSerializedSize();
    return new CachingCompiler(c, size + size / 2);
  }

  private static String serve(CachingCompiler cache, String node, Facts facts, FleetView fleet)
      throws CompileException {
    return cache.serve(node, facts, Trusted.of(node), fleet).catalog().getDigest();
  }

  @Test
  void alternatingNodesAreKnownWithoutACompile() throws Exception {
    CachingCompiler cache = oneCatalog(compiler(SITE));
    String web1 = serve(cache, "web01", facts("10.0.0.1", 1), FleetView.NONE);
    String web2 = serve(cache, "web02", facts("10.0.0.2", 1), FleetView.NONE);
    assertThat(web1).isNotEqualTo(web2);
    for (int round = 2; round < 6; round++) {
      assertThat(cache.digest("web01", facts("10.0.0.1", round), Trusted.of("web01"),
          FleetView.NONE)).contains(web1);
      assertThat(cache.digest("web02", facts("10.0.0.2", round), Trusted.of("web02"),
          FleetView.NONE)).contains(web2);
    }
    assertThat(cache.misses()).isEqualTo(2);
    assertThat(cache.digestEntries()).isEqualTo(1);
    // The digests are what a compile gives.
    assertThat(serve(cache, "web01", facts("10.0.0.1", 9), FleetView.NONE)).isEqualTo(web1);
    assertThat(cache.misses()).isEqualTo(3);
  }

  @Test
  void aChangedFactIsUnknown() throws Exception {
    CachingCompiler cache = oneCatalog(compiler(SITE));
    serve(cache, "web01", facts("10.0.0.1", 1), FleetView.NONE);
    serve(cache, "web02", facts("10.0.0.2", 1), FleetView.NONE);
    assertThat(cache.digest("web01", facts("10.0.0.7", 1), Trusted.of("web01"),
        FleetView.NONE)).isEmpty();
    // Another node with the same facts is another key: trusted.certname differs.
    assertThat(cache.digest("web03", facts("10.0.0.1", 1), Trusted.of("web03"),
        FleetView.NONE)).isEmpty();
  }

  @Test
  void newCodeStartsWithNothingKnown() throws Exception {
    CachingCompiler cache = oneCatalog(compiler(SITE));
    serve(cache, "web01", facts("10.0.0.1", 1), FleetView.NONE);
    serve(cache, "web02", facts("10.0.0.2", 1), FleetView.NONE);
    // New code is a new Compiler, so a new cache, as the master builds on a reload.
    CachingCompiler reloaded = oneCatalog(compiler(SITE.replace("'web '", "'www '")));
    assertThat(reloaded.digest("web01", facts("10.0.0.1", 1), Trusted.of("web01"),
        FleetView.NONE)).isEmpty();
  }

  @Test
  void aNewlyCollectedExportIsUnknown() throws Exception {
    Compiler c = compiler(SITE);
    CachingCompiler cache = oneCatalog(c);
    Catalog web1 = c.compile("web01", facts("10.0.0.1", 0), Trusted.of("web01"), FleetView.NONE);
    Catalog web2 = c.compile("web02", facts("10.0.0.2", 0), Trusted.of("web02"), FleetView.NONE);
    FleetView one = FleetView.builder("allow", List.of())
        .exports("web01", web1.getExportsList()).build();
    FleetView two = FleetView.builder("allow", List.of())
        .exports("web01", web1.getExportsList()).exports("web02", web2.getExportsList()).build();
    String lb = serve(cache, "lb01", facts("10.0.0.9", 1), one);
    serve(cache, "web01", facts("10.0.0.1", 1), one); // pushes lb01's catalog out
    assertThat(cache.digest("lb01", facts("10.0.0.9", 2), Trusted.of("lb01"), one))
        .contains(lb);
    assertThat(cache.digest("lb01", facts("10.0.0.9", 2), Trusted.of("lb01"), two)).isEmpty();
    assertThat(serve(cache, "lb01", facts("10.0.0.9", 2), two)).isNotEqualTo(lb);
  }

  @Test
  void digestEntriesAreBoundedByCount() throws Exception {
    Compiler c = compiler(SITE);
    long size = c.compile("web01", facts("10.0.0.1", 0), Trusted.of("web01"), FleetView.NONE)
        .getSerializedSize();
    CachingCompiler cache = new CachingCompiler(c, size + size / 2, 2);
    for (int i = 1; i <= 5; i++) {
      serve(cache, "web0" + i, facts("10.0.0." + i, 1), FleetView.NONE);
    }
    assertThat(cache.digestEntries()).isEqualTo(2);
    assertThat(cache.digest("web01", facts("10.0.0.1", 1), Trusted.of("web01"),
        FleetView.NONE)).isEmpty();
    assertThat(cache.digest("web04", facts("10.0.0.4", 1), Trusted.of("web04"),
        FleetView.NONE)).isPresent();
  }
}
