package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.secrets.MasterKey;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewServiceGrpc;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import dev.stead.wire.Values;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
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
 * A master that did not compile a node's catalog (restarted, or another master on the same
 * database) tells the node its catalog is unchanged without compiling, from the compile memo
 * and the catalog in the store, and compiles whenever that could be wrong: a changed fact, new
 * code, envelopes sealed to another key. A preview of other code leaves the memos alone.
 * Compiles are counted in the master's metrics.
 */
class CompileMemoTest {
  @TempDir Path tmp;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  private static final String SITE = """
      node('db01') { file('/etc/db.pass') { content secret('BLOB'); mode '0600' } }
      node(~/^web\\d+/) { file('/etc/motd') { content 'role ' + facts.role } }
      """;

  /** A node's key and certificate, enrolled once and presented to any master. */
  private record Enrolled(String name, KeyPair key, X509Certificate certificate) {}

  private static Enrolled enrol(Master master, X509Certificate ca, String node)
      throws Exception {
    KeyPair key = TestPki.ecKey();
    ManagedChannel anonymous = TestPki.channel(master.port(), ca, null, null);
    try {
      CertificateStatus status = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
          SubmitCsrRequest.newBuilder().setCertname(node).setCsrPem(TestPki.csr(node, key))
              .build());
      return new Enrolled(node, key, Pem.parseCertificate(status.getCertificatePem()));
    } finally {
      anonymous.shutdownNow();
    }
  }

  private GetCatalogResponse ask(Master master, X509Certificate ca, Enrolled node,
      Map<String, ?> facts, String knownDigest, String knownKey) throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca, node.key().getPrivate(),
        node.certificate());
    channels.add(channel);
    return CatalogServiceGrpc.newBlockingStub(channel).getCatalog(GetCatalogRequest.newBuilder()
        .setNode(node.name()).setFacts(Facts.newBuilder().putAllValues(Values.ofMap(facts)))
        .setKnownDigest(knownDigest).setKnownEnvelopesKey(knownKey).build());
  }

  /** Compiles this master ran (served from its compile cache or not), from its metrics. */
  private static long compiles(Master master) {
    String scrape = master.metrics().scrape();
    Matcher m = Pattern.compile("(?m)^stead_compile_seconds_count (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(scrape).isTrue();
    return Math.round(Double.parseDouble(m.group(1)));
  }

  private Master start(Path data, Path code) throws Exception {
    return Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*")).start();
  }

  @Test
  void aRestartedMasterAnswersUnchangedFromTheStoreAndCompilesWhatChanged() throws Exception {
    Path data = tmp.resolve("data");
    Path code = Files.createDirectories(tmp.resolve("code"));
    String blob = MasterKey.loadOrCreate(data)
        .encrypt("db-pa55word".getBytes(StandardCharsets.UTF_8)).text();
    Files.writeString(code.resolve("site.groovy"), SITE.replace("BLOB", blob));
    Map<String, Object> web = Map.of("role", "web", "uptime", 1);
    Enrolled web01;
    Enrolled db01;
    String webDigest;
    String dbDigest;
    String dbKey;
    X509Certificate ca;
    try (Master master = start(data, code)) {
      ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
      web01 = enrol(master, ca, "web01");
      db01 = enrol(master, ca, "db01");
      webDigest = ask(master, ca, web01, web, "", "").getCatalog().getDigest();
      GetCatalogResponse db = ask(master, ca, db01, Map.of(), "", "");
      dbDigest = db.getCatalog().getDigest();
      dbKey = db.getEnvelopesKey();
      assertThat(compiles(master)).isEqualTo(2);

      // A preview of other code compiles web01 too, but must leave its memo alone.
      Path next = Files.createDirectories(tmp.resolve("next"));
      Files.writeString(next.resolve("site.groovy"),
          SITE.replace("BLOB", blob).replace("'role '", "'next role '"));
      ManagedChannel admin = TestPki.channel(master.port(), ca,
          Pem.readPrivateKey(data.resolve("admin/key.pem")),
          Pem.readCertificate(data.resolve("admin/cert.pem")));
      channels.add(admin);
      List<PreviewEvent> events = new ArrayList<>();
      PreviewServiceGrpc.newBlockingStub(admin).withDeadlineAfter(60, TimeUnit.SECONDS)
          .preview(PreviewRequest.newBuilder().setCodeDirectory(next.toString())
              .setNodeGlob("web*").build())
          .forEachRemaining(events::add);
      assertThat(events).filteredOn(PreviewEvent::hasNode).extracting(e -> e.getNode().getNode()
          + " " + e.getNode().getOutcome()).containsExactly("web01 PREVIEW_CHANGED");
    }

    try (Master restarted = start(data, code)) {
      // Facts the code does not read changed; nothing is compiled.
      GetCatalogResponse again = ask(restarted, ca, web01, Map.of("role", "web", "uptime", 9),
          webDigest, "");
      assertThat(again.getUnchanged()).as(again.toString()).isTrue();
      GetCatalogResponse sealed = ask(restarted, ca, db01, Map.of(), dbDigest, dbKey);
      assertThat(sealed.getUnchanged()).as(sealed.toString()).isTrue();
      assertThat(compiles(restarted)).isZero();

      // Envelopes sealed to another key: the catalog again, sealed to the node's key.
      GetCatalogResponse resealed = ask(restarted, ca, db01, Map.of(), dbDigest,
          "ec:" + "0".repeat(64));
      assertThat(resealed.getUnchanged()).isFalse();
      assertThat(resealed.getSecretEnvelopesMap()).hasSize(1);
      assertThat(resealed.getEnvelopesKey()).isEqualTo(dbKey);
      // A fact the code reads changed: compiled, a new catalog.
      GetCatalogResponse changed = ask(restarted, ca, web01, Map.of("role", "db"), webDigest,
          "");
      assertThat(changed.getCatalog().getDigest()).isNotEqualTo(webDigest);
      assertThat(compiles(restarted)).isEqualTo(2);
    }

    // New code: its catalogs carry its version, so the memo of the old code must not
    // answer for it; the first check-in compiles and serves the new catalog.
    Files.writeString(code.resolve("site.groovy"),
        SITE.replace("BLOB", blob) + "\n// reviewed\n");
    try (Master edited = start(data, code)) {
      GetCatalogResponse fresh = ask(edited, ca, web01, web, webDigest, "");
      assertThat(fresh.getUnchanged()).isFalse();
      assertThat(fresh.getCatalog().getDigest()).isNotEqualTo(webDigest);
      assertThat(compiles(edited)).isEqualTo(1);
    }
  }

  /** Two masters on one database, A with the CA role, serving {@link #SITE}. */
  private record TwoMasters(Master a, Master b, X509Certificate ca) implements AutoCloseable {
    @Override
    public void close() {
      b.close();
      a.close();
    }
  }

  private TwoMasters twoMasters(StoreConfig store) throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), SITE.replace("BLOB", "unused"));
    Master a = Master.builder(new MasterConfig(tmp.resolve("a"), code, List.of(),
        "127.0.0.1", 0, "*").withStore(store)).start();
    try {
      Master b = Master.builder(new MasterConfig(tmp.resolve("b"), code, List.of(),
          "127.0.0.1", 0, "*").withStore(store).withCaRole(false)).start();
      return new TwoMasters(a, b, Pem.readCertificate(tmp.resolve("a/ca/ca.pem")));
    } catch (Exception | Error e) {
      a.close();
      throw e;
    }
  }

  @Test
  void aNodeThatFailsOverIsToldUnchangedByTheOtherMasterWithoutACompile() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    Map<String, Object> web = Map.of("role", "web", "uptime", 1);
    try (TwoMasters masters = twoMasters(
        StoreConfig.postgres(cluster.createDatabase(), cluster.credentials()))) {
      Master a = masters.a();
      Master b = masters.b();
      X509Certificate ca = masters.ca();
      Enrolled web01 = enrol(a, ca, "web01");
      String digest = ask(a, ca, web01, web, "", "").getCatalog().getDigest();

      assertThat(ask(b, ca, web01, Map.of("role", "web", "uptime", 2), digest, "")
          .getUnchanged()).isTrue();
      assertThat(compiles(b)).isZero();
      GetCatalogResponse changed = ask(b, ca, web01, Map.of("role", "lb"), digest, "");
      assertThat(changed.getCatalog().getDigest()).isNotEqualTo(digest);
      assertThat(compiles(b)).isEqualTo(1);
      // B's compile left its memo: A, which compiled the old one, now needs B's.
      assertThat(ask(a, ca, web01, Map.of("role", "lb"),
          changed.getCatalog().getDigest(), "").getUnchanged()).isTrue();
      assertThat(compiles(a)).isEqualTo(1);
    }
  }

  @Test
  void aNodeBackWithTheCatalogItHeldBeforeAnotherMastersCompileHasItStoredAgain()
      throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    try (TwoMasters masters = twoMasters(StoreConfig.postgres(db, cluster.credentials()))) {
      Master a = masters.a();
      Master b = masters.b();
      X509Certificate ca = masters.ca();
      Enrolled web01 = enrol(a, ca, "web01");
      String held = ask(b, ca, web01, Map.of("role", "web"), "", "").getCatalog().getDigest();
      // A compiles and stores a new catalog for new facts; its answer never reaches the node.
      String lost = ask(a, ca, web01, Map.of("role", "lb"), held, "").getCatalog().getDigest();
      assertThat(lost).isNotEqualTo(held);
      assertThat(storedDigest(cluster, db, "web01")).isEqualTo(lost);

      // The node comes back to B with what it still runs, and its facts as they were.
      assertThat(ask(b, ca, web01, Map.of("role", "web"), held, "").getUnchanged()).isTrue();

      // The store holds the catalog the node runs, as the dashboard and reports show it.
      assertThat(storedDigest(cluster, db, "web01")).isEqualTo(held);
    }
  }

  private static String storedDigest(PostgresCluster cluster, PostgresLocation db, String node)
      throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), cluster.credentials().user(),
            cluster.credentials().password());
        PreparedStatement query = c.prepareStatement(
            "SELECT digest FROM catalogs WHERE node = ?")) {
      query.setString(1, node);
      try (ResultSet rows = query.executeQuery()) {
        assertThat(rows.next()).as("a catalog stored for " + node).isTrue();
        return rows.getString(1);
      }
    }
  }
}
