package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.testing.TestPki;
import dev.stead.agent.Progress;
import dev.stead.agent.resource.fetch.TestHttpsServer;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.wire.SourceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file} whose {@code source} is an {@code https://} URL, downloaded by the agent
 * from a real HTTPS server on loopback whose certificate a test CA signed: trusted only
 * through {@code source_ca}, checked against the catalog's checksum, never fetched when the
 * file is in sync.
 */
class HttpsSourceTest {
  private static final byte[] CONF = "listen 443\n".getBytes(StandardCharsets.UTF_8);
  private static final String SUM = SourceFiles.checksum(CONF);
  private static final String CA_FILE = "/etc/ssl/stead-test/ca.pem";
  private static TestPki.Ca ca;
  private static TestPki.Ca stranger;

  @TempDir Path root;
  @TempDir Path state;
  private final List<TestHttpsServer> servers = new ArrayList<>();

  @BeforeAll
  static void cas() throws Exception {
    ca = new TestPki.Ca("download test CA");
    stranger = new TestPki.Ca("some other CA");
  }

  @BeforeEach
  void layout() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    TestHttpsServer.writePem(ca, root.resolve(CA_FILE.substring(1)));
  }

  @AfterEach
  void stop() {
    servers.forEach(TestHttpsServer::close);
  }

  private TestHttpsServer server(TestPki.Ca signer) throws Exception {
    TestHttpsServer s = TestHttpsServer.start(signer).serve("/app.conf", CONF);
    servers.add(s);
    return s;
  }

  private static Catalog catalog(String url, Object... more) {
    List<Object> params = new ArrayList<>(List.of("source", url, "checksum", SUM));
    params.addAll(List.of(more));
    return Catalogs4Test.catalog().file("/etc/app.conf", params.toArray()).build();
  }

  private Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop), FileSource.NONE)
        .converge(catalog, Progress.NONE);
  }

  private static ResourceResult only(Report report) {
    assertThat(report.getResourcesList()).as(report.toString()).hasSize(1);
    return report.getResources(0);
  }

  private static Event content(Report report) {
    return only(report).getEventsList().stream().filter(e -> e.getProperty().equals("content"))
        .findFirst().orElseThrow();
  }

  private List<String> etc() throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("etc"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void downloadsOnlyWhenTheFileDiffersAndRepairsDrift() throws Exception {
    TestHttpsServer server = server(ca);
    Catalog catalog = catalog(server.url("/app.conf"), "source_ca", CA_FILE, "mode", "0640");

    Report noop = converge(catalog, true);
    assertThat(only(noop).getStatus()).isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(server.requests).as("noop never downloads").hasValue(0);

    Report first = converge(catalog, false);
    assertThat(only(first).getStatus()).as(first.toString()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(Files.readAllBytes(root.resolve("etc/app.conf"))).isEqualTo(CONF);
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("etc/app.conf")))).isEqualTo("rw-r-----");
    assertThat(server.requests).hasValue(1);

    Report again = converge(catalog, false);
    assertThat(again.getResourcesList()).as("in sync: " + again).isEmpty();
    assertThat(again.getSummary().getChanged()).isZero();
    assertThat(server.requests).as("in sync: no network at all").hasValue(1);

    Files.writeString(root.resolve("etc/app.conf"), "listen 80\n");
    Report repaired = converge(catalog, false);
    assertThat(content(repaired).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(content(repaired).getAfter()).isEqualTo(SUM);
    assertThat(Files.readAllBytes(root.resolve("etc/app.conf"))).isEqualTo(CONF);
    assertThat(server.requests).hasValue(2);
  }

  @Test
  void bytesThatDoNotMatchTheChecksumLeaveTheFileAsItWas() throws Exception {
    TestHttpsServer server = server(ca).serve("/app.conf",
        "listen 6666\n".getBytes(StandardCharsets.UTF_8));
    Files.writeString(root.resolve("etc/app.conf"), "old\n");
    String url = server.url("/app.conf");

    Report report = converge(catalog(url, "source_ca", CA_FILE), false);

    assertThat(only(report).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(report).getMessage()).contains("source " + url + " arrived with sha256:"
        + SourceFiles.checksum("listen 6666\n".getBytes(StandardCharsets.UTF_8)).substring(7),
        "not the catalog's " + SUM, "nothing written");
    assertThat(root.resolve("etc/app.conf")).hasContent("old");
    assertThat(etc()).as("no staged file left behind").containsExactly("app.conf", "ssl");
  }

  @Test
  void aServerWhoseCertificateTheNamedCaDidNotSignIsRefused() throws Exception {
    TestHttpsServer impostor = server(stranger);
    Files.writeString(root.resolve("etc/app.conf"), "old\n");
    String url = impostor.url("/app.conf");

    Report report = converge(catalog(url, "source_ca", CA_FILE), false);

    assertThat(only(report).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(report).getMessage()).startsWith("cannot fetch source " + url + " (" + SUM
        + "): TLS handshake with 127.0.0.1 failed (trusting only ");
    assertThat(root.resolve("etc/app.conf")).hasContent("old");
    assertThat(impostor.requests).as("no request reached the server").hasValue(0);
    assertThat(etc()).containsExactly("app.conf", "ssl");
  }

  @Test
  void withoutSourceCaOnlyTheSystemsCasAreTrusted() throws Exception {
    TestHttpsServer server = server(ca);

    Report report = converge(catalog(server.url("/app.conf")), false);

    assertThat(only(report).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(report).getMessage()).contains("TLS handshake with 127.0.0.1 failed"
        + " (trusting the system's CAs)");
    assertThat(root.resolve("etc/app.conf")).doesNotExist();
    assertThat(server.requests).hasValue(0);
  }

  @Test
  void aCertificateForAnotherHostIsRefusedEvenFromTheNamedCa() throws Exception {
    TestHttpsServer elsewhere = TestHttpsServer.startNamed(ca, "downloads.example.org")
        .serve("/app.conf", CONF);
    servers.add(elsewhere);

    Report report = converge(catalog(elsewhere.url("/app.conf"), "source_ca", CA_FILE), false);

    assertThat(only(report).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(only(report).getMessage()).contains("TLS handshake with 127.0.0.1 failed");
    assertThat(root.resolve("etc/app.conf")).doesNotExist();
    assertThat(elsewhere.requests).hasValue(0);
  }

  @Test
  void aMissingCaFileFailsNamingIt() throws Exception {
    TestHttpsServer server = server(ca);

    Report report = converge(catalog(server.url("/app.conf"), "source_ca",
        "/etc/ssl/none.pem"), false);

    assertThat(only(report).getMessage()).contains("source_ca", "/etc/ssl/none.pem",
        "does not exist");
    assertThat(server.requests).hasValue(0);
  }
}
