package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Resource;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import dev.stead.wire.Values;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported resources and fleet facts through a real master: nodes enrol over TLS and fetch
 * their catalogs over gRPC; what one node exports reaches the others' next catalogs, and
 * nothing else of it does.
 */
class ExportedResourcesTest {
  @TempDir Path data;
  @TempDir Path code;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private static final String SITE = """
      node(~/^web\\d+/) {
        if (facts.exporting) {
          export { host(node, ip: facts.ip, tag: 'web') }
        }
        file("/etc/private-${node}", content: 'not exported')
      }
      node(~/^stage\\d+/) {
        export { host(node, ip: facts.ip, tag: 'web') }
      }
      node('lb') {
        collect('host') { it.tags.contains('web') }
        collect('file')
        file('/etc/lb.members', content: fleetFacts('ip') { it.facts.role == 'web' }
            .collect { "${it.node} ${it.value}" }.join('\\n'))
      }
      node('snoop') {
        file('/etc/stolen', content: "${fleetFacts('token')}")
      }
      """;

  @AfterEach
  void closeChannels() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  private CatalogServiceGrpc.CatalogServiceBlockingStub enrol(Master master, String node)
      throws Exception {
    ManagedChannel channel = TestPki.enrolled(master.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")), node, TestPki.ecKey());
    channels.add(channel);
    return CatalogServiceGrpc.newBlockingStub(channel);
  }

  private static Catalog fetch(CatalogServiceGrpc.CatalogServiceBlockingStub stub, String node,
      Map<String, ?> facts) {
    GetCatalogResponse answer = stub.getCatalog(GetCatalogRequest.newBuilder().setNode(node)
        .setFacts(Facts.newBuilder().putAllValues(Values.ofMap(facts))).build());
    assertThat(answer.hasCatalog()).as(answer.toString()).isTrue();
    return answer.getCatalog();
  }

  /** Catalogs served from the compile cache so far, from the master's metrics. */
  private static long cacheHits(Master master) {
    String scrape = master.metrics().scrape();
    double served = sample(scrape, "stead_catalogs_served_total");
    double ratio = sample(scrape, "stead_catalog_cache_hit_ratio");
    return Math.round(served * ratio);
  }

  private static double sample(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(name + " in\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void anExportReachesTheCollectorsNextCatalogAndNothingElseOfTheExporterDoes()
      throws Exception {
    Files.writeString(code.resolve("site.groovy"), SITE);
    Files.writeString(code.resolve("fleet-facts.allow"),
        "# what code may read of others\nip\nrole\n");
    Files.createDirectories(code.resolve("environments/staging"));
    Files.writeString(code.resolve("environments/staging/site.groovy"), SITE);
    try (Master master = Master.builder(
        new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start()) {
      var lb = enrol(master, "lb");
      var web01 = enrol(master, "web01");
      var web02 = enrol(master, "web02");
      var stage01 = enrol(master, "stage01");
      try (AdminClient admin = AdminClient.connect(data, null)) {
        admin.classify("stage01", Map.of("environment", "staging"), List.of());
      }
      Map<String, Object> lbFacts = Map.of("ip", "10.0.0.5", "role", "lb");
      fetch(web01, "web01", Map.of("ip", "10.0.0.1", "role", "web", "token", "t1",
          "exporting", false));
      fetch(stage01, "stage01", Map.of("ip", "10.9.0.1", "role", "web"));

      Catalog first = fetch(lb, "lb", lbFacts);
      assertThat(first.getResourcesList()).extracting(Catalogs::key)
          .containsExactly("file[/etc/lb.members]");
      long hits = cacheHits(master);
      assertThat(fetch(lb, "lb", lbFacts).getDigest()).isEqualTo(first.getDigest());
      assertThat(cacheHits(master)).isEqualTo(hits + 1);

      // web02 starts exporting: lb's next catalog has its host, and nothing else of web02.
      fetch(web02, "web02", Map.of("ip", "10.0.0.2", "role", "web", "exporting", true));
      Catalog second = fetch(lb, "lb", lbFacts);
      assertThat(second.getDigest()).isNotEqualTo(first.getDigest());
      assertThat(second.getResourcesList()).extracting(Catalogs::key)
          .containsExactly("file[/etc/lb.members]", "host[web02]");
      Resource host = second.getResources(1);
      assertThat(host.getExported()).isTrue();
      assertThat(host.getParametersMap()).containsEntry("ip", Values.of("10.0.0.2"));
      // Fleet facts: the allowed paths of the environment's nodes; staging's stay out.
      assertThat(second.getResources(0).getParametersMap().get("content"))
          .isEqualTo(Values.of("web01 10.0.0.1\nweb02 10.0.0.2"));

      // Nothing changed: the same digest, from the cache.
      hits = cacheHits(master);
      assertThat(fetch(lb, "lb", lbFacts).getDigest()).isEqualTo(second.getDigest());
      assertThat(cacheHits(master)).isEqualTo(hits + 1);

      // web01 exports too: lb sees both, in a stable order.
      fetch(web01, "web01", Map.of("ip", "10.0.0.1", "role", "web", "token", "t1",
          "exporting", true));
      assertThat(fetch(lb, "lb", lbFacts).getResourcesList()).extracting(Catalogs::key)
          .containsExactly("file[/etc/lb.members]", "host[web01]", "host[web02]");

      // web02 is decommissioned (`stead ca clean web02`): its host and its facts leave lb's
      // next catalog at once.
      try (AdminClient admin = AdminClient.connect(data, null)) {
        admin.clean("web02");
      }
      Catalog afterClean = fetch(lb, "lb", lbFacts);
      assertThat(afterClean.getResourcesList()).extracting(Catalogs::key)
          .containsExactly("file[/etc/lb.members]", "host[web01]");
      assertThat(afterClean.getResources(0).getParametersMap().get("content"))
          .isEqualTo(Values.of("web01 10.0.0.1"));

      // A fact outside the allowlist is a compile error naming the allowlist, not a value.
      var snoop = enrol(master, "snoop");
      GetCatalogResponse refused = snoop.getCatalog(GetCatalogRequest.newBuilder()
          .setNode("snoop").setFacts(Facts.getDefaultInstance()).build());
      assertThat(refused.hasFailure()).as(refused.toString()).isTrue();
      assertThat(refused.getFailure().getErrors(0).getLocation().getFile())
          .isEqualTo("site.groovy");
      assertThat(refused.getFailure().getErrors(0).getLocation().getLine()).isEqualTo(17);
      assertThat(refused.getFailure().getErrors(0).getMessage()).isEqualTo(
          "fleetFacts('token'): token is not in the fleet facts allowlist (fleet-facts.allow"
              + " in the master's code directory, which allows ip, role)");
    }
  }
}
