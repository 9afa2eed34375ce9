package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileMemo;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compile cache that starts empty (a restarted master, or another master on the same
 * database) knows a catalog's digest from the memo an earlier cache left, exactly while a
 * compile would give that digest: same code, same node, same values at the paths read, same
 * fleet.
 */
class CompileMemoTest {
  @TempDir Path dir;

  private static final String SITE = """
      node(~/^web\\d+/) {
        export { host(node) { ip facts.ip; tag 'web' } }
        file('/etc/motd', content: 'web ' + facts.ip + ' ' + facts.os.family)
      }
      node(~/^lb\\d+/) {
        collect('host')
        file('/etc/motd', content: 'lb ' + facts.ip)
      }
      """;

  /** The store's part, in memory: a map from node to its last memo. */
  private static final class Memos implements DigestMemory {
    final Map<String, CompileMemo> byNode = new ConcurrentHashMap<>();

    @Override
    public Optional<CompileMemo> recall(String node) {
      return Optional.ofNullable(byNode.get(node));
    }

    @Override
    public void remember(String node, CompileMemo memo) {
      byNode.put(node, memo);
    }
  }

  private final Memos memos = new Memos();

  private CachingCompiler started(String site) throws Exception {
    Compiler compiler = new Code(dir).file("site.groovy", site).environment();
    // What the master names by its files' contents; here, the code's version.
    return new CachingCompiler(compiler, CachingCompiler.DEFAULT_MAX_BYTES,
        CachingCompiler.DIGEST_ENTRIES, memos,
        compiler.environment() + " " + compiler.codeVersion());
  }

  private static Facts facts(String ip, String family, long uptime) {
    return Code.facts(Map.of("ip", ip, "uptime", uptime, "os", Map.of("family", family,
        "release", "12." + uptime)));
  }

  private static Optional<String> known(CachingCompiler cache, String node, Facts facts,
      FleetView fleet) {
    return cache.digest(node, facts, Trusted.of(node), fleet);
  }

  @Test
  void aFreshCacheKnowsTheDigestFromTheMemoWhileTheInputsAreTheSame() throws Exception {
    String digest = started(SITE).serve("web01", facts("10.0.0.1", "Debian", 1),
        Trusted.of("web01"), FleetView.NONE).catalog().getDigest();
    assertThat(memos.byNode).containsOnlyKeys("web01");

    CachingCompiler restarted = started(SITE);
    // Facts the compile did not read (uptime, os.release) may differ.
    assertThat(known(restarted, "web01", facts("10.0.0.1", "Debian", 7), FleetView.NONE))
        .contains(digest);
    assertThat(restarted.misses()).isZero();
    // What a compile gives now is that digest.
    assertThat(restarted.serve("web01", facts("10.0.0.1", "Debian", 8), Trusted.of("web01"),
        FleetView.NONE).catalog().getDigest()).isEqualTo(digest);
  }

  @Test
  void aChangedValueAtAPathReadAnotherNodeOrOtherCodeIsNotKnown() throws Exception {
    started(SITE).serve("web01", facts("10.0.0.1", "Debian", 1), Trusted.of("web01"),
        FleetView.NONE);

    CachingCompiler restarted = started(SITE);
    assertThat(known(restarted, "web01", facts("10.0.0.2", "Debian", 1), FleetView.NONE))
        .isEmpty();
    assertThat(known(restarted, "web01", facts("10.0.0.1", "RedHat", 1), FleetView.NONE))
        .isEmpty();
    // Another node's memo is its own, even with the same facts.
    memos.byNode.put("web02", memos.byNode.get("web01"));
    assertThat(known(restarted, "web02", facts("10.0.0.1", "Debian", 1), FleetView.NONE))
        .isEmpty();
    // A new version of the code: the memo names another identity.
    CachingCompiler edited = started(SITE.replace("'web '", "'www '"));
    assertThat(known(edited, "web01", facts("10.0.0.1", "Debian", 1), FleetView.NONE))
        .isEmpty();
    // Unchanged code loaded again is the same identity.
    assertThat(known(started(SITE), "web01", facts("10.0.0.1", "Debian", 1), FleetView.NONE))
        .isPresent();
  }

  @Test
  void aCollectorsMemoHoldsWhileTheFleetExportsTheSame() throws Exception {
    CachingCompiler first = started(SITE);
    Catalog web1 = first.serve("web01", facts("10.0.0.1", "Debian", 1), Trusted.of("web01"),
        FleetView.NONE).catalog();
    Catalog web2 = first.serve("web02", facts("10.0.0.2", "Debian", 1), Trusted.of("web02"),
        FleetView.NONE).catalog();
    FleetView one = FleetView.builder("allow", List.of())
        .exports("web01", web1.getExportsList()).build();
    FleetView two = FleetView.builder("allow", List.of())
        .exports("web01", web1.getExportsList()).exports("web02", web2.getExportsList()).build();
    String lb = first.serve("lb01", facts("10.0.0.9", "Debian", 1), Trusted.of("lb01"), one)
        .catalog().getDigest();

    CachingCompiler restarted = started(SITE);
    // The same exports, as another process builds them from the store.
    FleetView oneAgain = FleetView.builder("allow", List.of())
        .exports("web01", web1.getExportsList()).build();
    assertThat(known(restarted, "lb01", facts("10.0.0.9", "Debian", 2), oneAgain))
        .contains(lb);
    assertThat(known(started(SITE), "lb01", facts("10.0.0.9", "Debian", 2), two)).isEmpty();
  }

  @Test
  void aMemoIsReplacedByTheNodesNextCompileAndNoneIsKeptWithoutAMemory() throws Exception {
    CachingCompiler cache = started(SITE);
    cache.serve("web01", facts("10.0.0.1", "Debian", 1), Trusted.of("web01"), FleetView.NONE);
    String second = cache.serve("web01", facts("10.0.0.3", "Debian", 1), Trusted.of("web01"),
        FleetView.NONE).catalog().getDigest();
    assertThat(memos.byNode.get("web01").getDigest()).isEqualTo(second);
    assertThat(known(started(SITE), "web01", facts("10.0.0.1", "Debian", 1), FleetView.NONE))
        .isEmpty();
    assertThat(known(started(SITE), "web01", facts("10.0.0.3", "Debian", 1), FleetView.NONE))
        .contains(second);

    CachingCompiler forgetful = new CachingCompiler(
        new Code(dir).file("site.groovy", SITE).environment());
    forgetful.serve("web09", facts("10.0.0.9", "Debian", 1), Trusted.of("web09"),
        FleetView.NONE);
    assertThat(memos.byNode).doesNotContainKey("web09");
  }
}
