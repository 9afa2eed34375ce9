package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.FleetView;
import dev.stead.master.MutableClock;
import dev.stead.master.storage.RocksStore;
import dev.stead.master.storage.Store;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FleetViews} over real stores (RocksDB and PostgreSQL): what each environment's
 * compiles may read.
 */
class FleetViewsTest {
  @TempDir Path dir;

  private static Resource host(String title) {
    return Resource.newBuilder().setType("host").setTitle(title).setExported(true)
        .putParameters("ip", Values.of("10.0.0.1")).build();
  }

  private static Facts facts(Map<String, ?> values) {
    return Facts.newBuilder().putAllValues(Values.ofMap(values)).build();
  }

  @Test
  void onRocksDb() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      aViewHoldsItsEnvironmentsEnrolledNodesExportsAndAllowedFactsOnly(store);
    }
  }

  @Test
  void onPostgresql() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    try (PostgresStore store = PostgresStore.open(cluster.createDatabase(),
        cluster.credentials())) {
      aViewHoldsItsEnvironmentsEnrolledNodesExportsAndAllowedFactsOnly(store);
    }
  }

  @Test
  void aDueReloadRunsInTheBackgroundWhileRequestsGoOnAndKeepsWhatCompilesChangedMeanwhile()
      throws Exception {
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve(FleetViews.ALLOWLIST), "role\n");
    MutableClock clock = new MutableClock();
    CountDownLatch reloadInside = new CountDownLatch(1);
    CountDownLatch reloadGoOn = new CountDownLatch(1);
    ThreadPoolExecutor reloads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> new Thread(r, "test-reload"));
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      for (String node : List.of("web1", "web2")) {
        store.putNode(NodeInfo.newBuilder().setName(node).build());
        store.putFacts(node, facts(Map.of("role", "web")));
        store.putCatalog(node, Catalog.newBuilder().setNode(node).setEnvironment("production")
            .addExports(host(node)).build());
      }
      // The reload stops in the middle of its scan of the nodes until the test lets it go on.
      FleetViews views = new FleetViews(store, store, node -> {
        if (Thread.currentThread().getName().equals("test-reload")) {
          reloadInside.countDown();
          try {
            reloadGoOn.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return "production";
      }, node -> true, code, Duration.ofSeconds(30), clock, reloads);
      FleetView first = views.of("production");
      assertThat(first.exports("host")).extracting(FleetView.Export::node)
          .containsExactly("web1", "web2");

      // What another master sharing the store wrote: read at the next reload, due once the
      // view is its maximum age old.
      store.putCatalog("web2", Catalog.newBuilder().setNode("web2")
          .setEnvironment("production").addExports(host("web2")).addExports(host("web2b"))
          .build());
      clock.advance(Duration.ofSeconds(31));
      long start = System.nanoTime();
      assertThat(views.of("production")).isSameAs(first);
      assertThat(reloadInside.await(10, TimeUnit.SECONDS)).isTrue();
      // While the reload runs: requests are answered with the view there is, this master's
      // compiles update it, and no second reload starts.
      views.exportsSeen("production", "web3", List.of(host("web3")));
      views.factsSeen("production", "web1", facts(Map.of("role", "db")));
      FleetView meanwhile = views.of("production");
      assertThat(views.of("production")).isSameAs(meanwhile);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
      assertThat(meanwhile.exports("host")).extracting(FleetView.Export::node)
          .containsExactly("web1", "web2", "web3");
      assertThat(reloads.getTaskCount()).isEqualTo(1);

      reloadGoOn.countDown();
      reloads.shutdown();
      assertThat(reloads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      FleetView reloaded = views.of("production");
      // The store's news, and the compiles' updates made while the reload read the store.
      assertThat(reloaded.exports("host")).extracting(e -> e.resource().getTitle())
          .containsExactlyInAnyOrder("web1", "web2", "web2b", "web3");
      assertThat(reloaded.facts().get("web1").get("role")).isEqualTo(Values.of("db"));
      assertThat(reloaded.facts().get("web2").get("role")).isEqualTo(Values.of("web"));
    } finally {
      reloadGoOn.countDown();
      reloads.shutdownNow();
    }
  }

  @Test
  void aViewNoRequestUsedForTwiceItsMaximumAgeIsReadAgainBeforeACompileReadsIt()
      throws Exception {
    Path code = Files.createDirectories(dir.resolve("code"));
    MutableClock clock = new MutableClock();
    Set<String> revoked = ConcurrentHashMap.newKeySet();
    // Reloads in the background never run here: only a request's own reload can show news.
    List<Runnable> neverRun = new java.util.ArrayList<>();
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      for (String node : List.of("web1", "web2")) {
        store.putNode(NodeInfo.newBuilder().setName(node).build());
        store.putCatalog(node, Catalog.newBuilder().setNode(node).setEnvironment("production")
            .addExports(host(node)).build());
      }
      FleetViews views = new FleetViews(store, store, node -> "production",
          node -> !revoked.contains(node), code, Duration.ofSeconds(30), clock, neverRun::add);
      assertThat(views.of("production").exports("host")).extracting(FleetView.Export::node)
          .containsExactly("web1", "web2");

      // Revoked (on this master or another), then no compile of the environment for ten
      // minutes: the next one reads the store first.
      revoked.add("web2");
      clock.advance(Duration.ofSeconds(600));
      assertThat(views.of("production").exports("host")).as("expired: read before answering")
          .extracting(FleetView.Export::node).containsExactly("web1");
      assertThat(neverRun).isEmpty();
      // Due, not expired: the view is used as it is and refreshed in the background.
      revoked.remove("web2");
      clock.advance(Duration.ofSeconds(31));
      assertThat(views.of("production").exports("host")).extracting(FleetView.Export::node)
          .containsExactly("web1");
      assertThat(neverRun).hasSize(1);
    }
  }

  private void aViewHoldsItsEnvironmentsEnrolledNodesExportsAndAllowedFactsOnly(Store store)
      throws Exception {
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve(FleetViews.ALLOWLIST), "# ops\nrole\nnot a path\n");
    Map<String, String> environments = Map.of("stage1", "staging");
    Set<String> revoked = ConcurrentHashMap.newKeySet();
    MutableClock clock = new MutableClock();
    for (String node : List.of("web1", "web2", "stage1")) {
      store.putNode(NodeInfo.newBuilder().setName(node).build());
      store.putFacts(node, facts(Map.of("role", "web", "token", "secret-" + node)));
      store.putCatalog(node, Catalog.newBuilder().setNode(node)
          .setEnvironment(environments.getOrDefault(node, "production"))
          .addResources(Resource.newBuilder().setType("file").setTitle("/etc/private"))
          .addExports(host(node)).build());
    }
    FleetViews views = new FleetViews(store, store,
        node -> environments.getOrDefault(node, "production"), node -> !revoked.contains(node),
        code, Duration.ofSeconds(30), clock, Runnable::run);

    FleetView production = views.of("production");
    assertThat(production.exports("host")).extracting(FleetView.Export::node)
        .containsExactly("web1", "web2");
    assertThat(production.exports("file")).isEmpty();
    assertThat(production.facts()).containsOnlyKeys("web1", "web2");
    assertThat(production.facts().get("web1")).containsOnlyKeys("role");
    assertThat(production.allowedFacts()).containsExactly("role");
    assertThat(views.of("staging").exports("host")).extracting(FleetView.Export::node)
        .containsExactly("stage1");

    // This master's own compiles update the view at once; an unchanged node changes nothing.
    String before = production.exportsDigest("host");
    views.exportsSeen("production", "web1", List.of(host("web1")));
    assertThat(views.of("production")).isSameAs(production);
    views.exportsSeen("production", "web3", List.of(host("web3")));
    assertThat(views.of("production").exportsDigest("host")).isNotEqualTo(before);
    views.factsSeen("production", "web1", facts(Map.of("role", "db", "token", "changed")));
    assertThat(views.of("production").facts().get("web1").get("role"))
        .isEqualTo(Values.of("db"));

    // A revoked node drops out when the view is read from the store again.
    revoked.add("web2");
    clock.advance(Duration.ofSeconds(31));
    assertThat(views.of("production").exports("host")).extracting(FleetView.Export::node)
        .containsExactly("web1");
    assertThat(views.of("production").facts()).containsOnlyKeys("web1");
  }
}
