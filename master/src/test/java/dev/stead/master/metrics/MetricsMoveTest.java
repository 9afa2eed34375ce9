package dev.stead.master.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.fleet.FleetConfig;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every series the metrics endpoint exports moves when the traffic it counts happens: scrape,
 * run known traffic through a real master (catalogs compiled and from the cache, a compile
 * error, reports with drift and a failure, a node that never reports), scrape again and
 * compare. A series that cannot move with traffic is on {@link #STATIC}, with the reason; a
 * series hard-wired to a constant fails here.
 */
class MetricsMoveTest {
  /** Series (name, or name{labels prefix}) that do not follow request traffic, and why. */
  private static final Map<String, String> STATIC = Map.ofEntries(
      Map.entry("stead_ca_age_seconds", "follows the clock and the CA certificate only"),
      Map.entry("stead_ca_expiry_seconds", "follows the clock and the CA certificate only"),
      Map.entry("stead_crl_age_seconds", "follows the clock and revocations only"),
      Map.entry("stead_rocksdb_bytes{kind=\"sst_files\"", "moves when RocksDB flushes"),
      Map.entry("stead_rocksdb_bytes{kind=\"live_data\"", "estimated from SST files only"),
      Map.entry("stead_rocksdb_bytes{kind=\"blob_files\"",
          "moves when RocksDB flushes catalogs of 16 KB and more"),
      Map.entry("stead_rocksdb_family_sst_bytes", "moves when RocksDB flushes"),
      Map.entry("stead_store_bytes{kind=\"reports\"", "moves when RocksDB flushes"),
      Map.entry("stead_compile_seconds_bucket{le=\"0.", "moves for compiles in its range"),
      Map.entry("stead_compile_seconds_bucket{le=\"1", "moves for compiles in its range"),
      Map.entry("stead_compile_seconds_bucket{le=\"2", "moves for compiles in its range"),
      Map.entry("stead_compile_seconds_bucket{le=\"5", "moves for compiles in its range"),
      Map.entry("stead_catalog_queue_waiting",
          "moves while compiles queue behind busy catalog threads (CatalogQueueTest)"),
      Map.entry("stead_catalog_requests_refused_total",
          "moves when the master is busy (CatalogQueueTest)"),
      Map.entry("stead_compile_failures_total{reason=\"crash\"",
          "a crash is a master bug; the language source has none to provoke"));

  @TempDir Path data;
  @TempDir Path code;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, Double> parse(String page) {
    Map<String, Double> series = new TreeMap<>();
    for (String line : page.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  private static boolean isStatic(String series) {
    return STATIC.keySet().stream().anyMatch(series::startsWith);
  }

  private static String scrape(Master master) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + master.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private ManagedChannel enrol(Master master, String name) throws Exception {
    ManagedChannel channel = TestPki.enrolled(master.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")), name, TestPki.ecKey());
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  private static GetCatalogResponse fetch(ManagedChannel channel, String node) {
    return CatalogServiceGrpc.newBlockingStub(channel).getCatalog(GetCatalogRequest
        .newBuilder().setNode(node).setFacts(Facts.getDefaultInstance()).build());
  }

  private static void report(ManagedChannel channel, String node, RunStatus status,
      int drift) {
    ReportServiceGrpc.newBlockingStub(channel).submitReport(SubmitReportRequest.newBuilder()
        .setReport(Report.newBuilder().setId(UUID.randomUUID().toString()).setNode(node)
            .setStartedAtMs(System.currentTimeMillis()).setStatus(status)
            .setCodeVersion("v1").setCatalogDigest("sha256:ab")
            .setSummary(ReportSummary.newBuilder().setResources(1).setDriftEvents(drift)
                .setChanged(drift)))
        .build());
  }

  @Test
  void everySeriesMovesWithTheTrafficItCounts() throws Exception {
    Files.writeString(code.resolve("site.groovy"), """
        node('broken.test') { fail_here_unknown_type('x') { } }
        node('default') { file('/etc/motd') { content 'hello\\n' } }
        """);
    Master master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0,
        "*")).fleet(FleetConfig.defaults().withMetrics("127.0.0.1:" + freePort())).start();
    cleanup.add(master);
    Map<String, Double> before = parse(scrape(master));

    ManagedChannel web1 = enrol(master, "web1.test");
    ManagedChannel web2 = enrol(master, "web2.test");
    ManagedChannel quiet = enrol(master, "quiet.test");
    ManagedChannel broken = enrol(master, "broken.test");
    assertThat(fetch(web1, "web1.test").hasCatalog()).isTrue();
    assertThat(fetch(web1, "web1.test").hasCatalog()).isTrue(); // same facts: from the cache
    assertThat(fetch(web2, "web2.test").hasCatalog()).isTrue();
    assertThat(fetch(quiet, "quiet.test").hasCatalog()).isTrue();
    assertThat(fetch(broken, "broken.test").hasFailure()).isTrue();
    report(web1, "web1.test", RunStatus.CHANGED_RUN, 1);
    report(web2, "web2.test", RunStatus.UNCHANGED, 0);
    report(broken, "broken.test", RunStatus.FAILED_RUN, 0);

    String page = scrape(master);
    Map<String, Double> after = parse(page);
    List<String> stuck = new ArrayList<>();
    for (Map.Entry<String, Double> series : after.entrySet()) {
      if (!isStatic(series.getKey())
          && series.getValue().equals(before.getOrDefault(series.getKey(), Double.NaN))) {
        stuck.add(series.getKey() + " " + series.getValue());
      }
    }
    assertThat(stuck).as("series that did not move with traffic:\n" + page).isEmpty();
    assertThat(after).containsEntry("stead_catalog_cache_hit_ratio", 0.25)
        .containsEntry("stead_node_compile_failures_total{node=\"broken.test\"}", 1.0)
        .containsEntry("stead_nodes{status=\"unreported\"}", 1.0);
  }
}
