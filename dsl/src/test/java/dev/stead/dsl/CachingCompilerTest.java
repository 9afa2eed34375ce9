package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingCompilerTest {
  @TempDir Path dir;

  private CachingCompiler cache(long maxBytes) throws CompileException {
    Compiler compiler = new Code(dir)
        .file("data/common.yaml", "motd: common\n")
        .file("data/os/Debian.yaml", "motd: debian\n")
        .file("site.groovy", """
            node('default') {
              def fqdn = facts.networking?.fqdn
              file('/etc/motd', content: lookup('motd') + ' ' + fqdn)
              if (facts.os.release.full.startsWith('12')) {
                file('/etc/bookworm', content: 'yes')
              }
              if (facts.containsKey('virtual')) {
                file('/etc/virtual', content: facts.virtual.toString())
              }
            }
            node('broken') { file('/x', content: facts.nope.deeper) }
            """).environment();
    return new CachingCompiler(compiler, maxBytes);
  }

  private static Facts facts(String family, String release, long uptime) {
    return Code.facts(Map.of("os", Map.of("family", family, "release", Map.of("full", release)),
        "networking", Map.of("fqdn", "web01.example.com"), "uptime", uptime));
  }

  private static String content(Catalog c, String title) {
    return c.getResourcesList().stream().filter(r -> r.getTitle().equals(title)).findFirst()
        .orElseThrow().getParametersMap().get("content").getStringValue();
  }

  @Test
  void factsTheCodeDidNotReadDoNotMissTheCache() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    Catalog first = cache.compile("web01", facts("Debian", "12.5", 100), Trusted.of("web01"));
    Catalog second = cache.compile("web01", facts("Debian", "12.5", 200), Trusted.of("web01"));
    assertThat(second).isEqualTo(first);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void aChangeInAFactTheCodeReadIsCompiledAgain() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    Catalog bookworm = cache.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    Catalog bullseye = cache.compile("web01", facts("Debian", "11.9", 1), Trusted.of("web01"));
    // os.family is read only by the data hierarchy's path os/%{facts.os.family}.yaml.
    Catalog redhat = cache.compile("web01", facts("RedHat", "12.5", 1), Trusted.of("web01"));
    assertThat(cache.hits()).isZero();
    assertThat(bookworm.getResourcesCount()).isEqualTo(2);
    assertThat(bullseye.getResourcesCount()).isEqualTo(1);
    assertThat(content(redhat, "/etc/motd")).isEqualTo("common web01.example.com");
    assertThat(content(bookworm, "/etc/motd")).isEqualTo("debian web01.example.com");
  }

  @Test
  void aFactThatAppearsIsCompiledAgain() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    cache.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    Facts virtual = facts("Debian", "12.5", 1).toBuilder()
        .putAllValues(Code.facts(Map.of("virtual", "kvm")).getValuesMap()).build();
    Catalog c = cache.compile("web01", virtual, Trusted.of("web01"));
    assertThat(content(c, "/etc/virtual")).isEqualTo("kvm");
    assertThat(cache.hits()).isZero();
  }

  @Test
  void anotherNodeOrCertificateIsAnotherCatalog() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    Catalog a = cache.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    Catalog b = cache.compile("web02", facts("Debian", "12.5", 1), Trusted.of("web02"));
    assertThat(b.getNode()).isEqualTo("web02");
    assertThat(a.getNode()).isEqualTo("web01");
    assertThat(cache.hits()).isZero();
  }

  @Test
  void failuresAreNotCached() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> cache.compile("broken", facts("Debian", "12.5", 1),
          Trusted.of("broken"))).isInstanceOf(CompileException.class);
    }
    assertThat(cache.misses()).isEqualTo(2);
  }

  @Test
  void theByteBoundEvictsLeastRecentlyUsed() throws Exception {
    CachingCompiler cache = cache(1);
    cache.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    cache.compile("web01", facts("Debian", "12.5", 2), Trusted.of("web01"));
    assertThat(cache.hits()).isZero(); // a catalog larger than the bound is never held

    Catalog one = cache(CachingCompiler.DEFAULT_MAX_BYTES)
        .compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    CachingCompiler roomForOne = cache(one.getSerializedSize() + 10);
    roomForOne.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    roomForOne.compile("web02", facts("Debian", "12.5", 1), Trusted.of("web02"));
    roomForOne.compile("web01", facts("Debian", "12.5", 1), Trusted.of("web01"));
    assertThat(roomForOne.hits()).isZero();
    roomForOne.compile("web01", facts("Debian", "12.5", 3), Trusted.of("web01"));
    assertThat(roomForOne.hits()).isEqualTo(1);
  }

  @Test
  void concurrentRequestsGetTheSameCatalog() throws Exception {
    CachingCompiler cache = cache(CachingCompiler.DEFAULT_MAX_BYTES);
    Catalog expected = cache.compiler().compile("web01", facts("Debian", "12.5", 0),
        Trusted.of("web01"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Catalog>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long uptime = i;
        results.add(pool.submit(() -> cache.compile("web01", facts("Debian", "12.5", uptime),
            Trusted.of("web01"))));
      }
      for (Future<Catalog> f : results) {
        assertThat(f.get().toByteArray()).isEqualTo(expected.toByteArray());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.hits() + cache.misses()).isEqualTo(200);
    assertThat(cache.hits()).isGreaterThan(150);
  }
}
