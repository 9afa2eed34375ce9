package dev.stead.master.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CommonChange;
import dev.stead.proto.v1.EncryptSecretRequest;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.NodePreviewOutcome;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewServiceGrpc;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.ResourceChangeKind;
import dev.stead.proto.v1.ResourceDiff;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import dev.stead.wire.Values;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real master over mutual TLS: nodes enrol and fetch their catalogs (which stores their
 * facts and catalogs), then an operator previews new code with the admin certificate.
 */
class FleetPreviewTest {
  private static final List<String> NODES = List.of("app01", "db01", "web01", "web02");
  private static final String CURRENT = """
      node('default') {
        file('/etc/motd') { content "hello\\nfrom ${facts.role}\\nline three\\nline four\\n" }
        file('/etc/issue') { content 'issue'; mode '0644' }
        if (trusted.certname.startsWith('db')) {
          file('/etc/db.pass') { content secret('OLD'); mode '0600' }
        }
      }
      """;

  @TempDir static Path data;
  @TempDir static Path code;
  @TempDir static Path next;
  private static Master master;
  private static X509Certificate ca;
  private static ManagedChannel admin;
  private static final Map<String, ManagedChannel> nodes = new LinkedHashMap<>();
  private static String oldBlob;
  private static String newBlob;

  @BeforeAll
  static void fleetWithStoredFactsAndCatalogs() throws Exception {
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .start();
    ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    admin = TestPki.channel(master.port(), ca, Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
    oldBlob = encrypt("old password");
    newBlob = encrypt("new password");
    Files.writeString(code.resolve("site.groovy"), CURRENT.replace("OLD", oldBlob));
    Thread.sleep(1100); // the master looks for code changes once a second
    for (String node : NODES) {
      ManagedChannel channel = TestPki.enrolled(master.port(), ca, node, TestPki.ecKey());
      nodes.put(node, channel);
      GetCatalogResponse served = CatalogServiceGrpc.newBlockingStub(channel).getCatalog(
          GetCatalogRequest.newBuilder().setNode(node).setFacts(Facts.newBuilder()
              .putValues("role", Values.of(node.substring(0, node.length() - 2)))).build());
      assertThat(served.getCatalog().getResourcesList()).extracting(Catalogs::key)
          .as(served.toString()).contains("file[/etc/motd]");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel c : nodes.values()) {
      c.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    admin.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    master.close();
  }

  private static String encrypt(String plaintext) {
    return AdminServiceGrpc.newBlockingStub(admin).encryptSecret(EncryptSecretRequest.newBuilder()
        .setPlaintext(ByteString.copyFrom(plaintext, StandardCharsets.UTF_8)).build()).getBlob();
  }

  private static List<PreviewEvent> preview(String site, String glob) throws Exception {
    Files.writeString(next.resolve("site.groovy"), site);
    List<PreviewEvent> events = new ArrayList<>();
    PreviewServiceGrpc.newBlockingStub(admin).withDeadlineAfter(60, TimeUnit.SECONDS)
        .preview(PreviewRequest.newBuilder().setCodeDirectory(next.toString())
            .setNodeGlob(glob).build())
        .forEachRemaining(events::add);
    return events;
  }

  private static Map<String, NodePreview> byNode(List<PreviewEvent> events) {
    Map<String, NodePreview> out = new LinkedHashMap<>();
    events.stream().filter(PreviewEvent::hasNode)
        .forEach(e -> out.put(e.getNode().getNode(), e.getNode()));
    return out;
  }

  @Test
  void showsExactlyTheChangedResourcesWithAContentDiffForTheAffectedNodesOnly()
      throws Exception {
    // Only web nodes get a new motd line; db01 loses /etc/issue's mode; every node gains htop.
    String site = CURRENT.replace("OLD", oldBlob)
        .replace("line three", "${facts.role == 'web' ? 'line 3' : 'line three'}")
        .replace("file('/etc/issue') { content 'issue'; mode '0644' }",
            "file('/etc/issue') { content 'issue'; mode '0644' }\n"
            + "  if (trusted.certname == 'app01') { file('/etc/app') { content 'a' } }");

    List<PreviewEvent> events = preview(site, "");

    Map<String, NodePreview> byNode = byNode(events);
    assertThat(byNode.keySet()).containsExactly("app01", "db01", "web01", "web02");
    assertThat(byNode.get("db01").getOutcome()).isEqualTo(NodePreviewOutcome.PREVIEW_UNCHANGED);
    assertThat(byNode.get("db01").getResourcesList()).isEmpty();
    NodePreview app = byNode.get("app01");
    assertThat(app.getOutcome()).isEqualTo(NodePreviewOutcome.PREVIEW_CHANGED);
    assertThat(app.getResourcesList()).extracting(ResourceDiff::getResource, ResourceDiff::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("file[/etc/app]",
            ResourceChangeKind.RESOURCE_ADDED));
    for (String web : List.of("web01", "web02")) {
      NodePreview p = byNode.get(web);
      assertThat(p.getOutcome()).isEqualTo(NodePreviewOutcome.PREVIEW_CHANGED);
      assertThat(p.getResourcesList()).hasSize(1);
      ResourceDiff motd = p.getResources(0);
      assertThat(motd.getResource()).isEqualTo("file[/etc/motd]");
      assertThat(motd.getKind()).isEqualTo(ResourceChangeKind.RESOURCE_MODIFIED);
      assertThat(motd.getPropertiesList()).extracting(PropertyDiff::getProperty)
          .containsExactly("content");
      assertThat(motd.getProperties(0).getDiff()).isEqualTo("""
          --- /etc/motd
          +++ /etc/motd
          @@ -1,4 +1,4 @@
           hello
           from web
          -line three
          +line 3
           line four
          """);
      assertThat(motd.getSource().getFile()).isEqualTo("site.groovy");
      assertThat(motd.getSource().getLine()).isEqualTo(2);
    }
    PreviewEvent last = events.get(events.size() - 1);
    assertThat(last.hasSummary()).isTrue();
    assertThat(last.getSummary().getNodes()).isEqualTo(4);
    assertThat(last.getSummary().getChanged()).isEqualTo(3);
    assertThat(last.getSummary().getUnchanged()).isEqualTo(1);
    assertThat(last.getSummary().getFailed()).isZero();
    assertThat(last.getSummary().getCommonChangesList())
        .extracting(CommonChange::getChange, CommonChange::getNodes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("file[/etc/motd] content", 2),
            org.assertj.core.groups.Tuple.tuple("file[/etc/app] added", 1));
  }

  @Test
  void aGlobPreviewsOnlyTheMatchingNodes() throws Exception {
    List<PreviewEvent> events = preview(CURRENT.replace("OLD", oldBlob), "web*");

    assertThat(byNode(events).keySet()).containsExactly("web01", "web02");
    assertThat(byNode(events).values()).extracting(NodePreview::getOutcome)
        .containsOnly(NodePreviewOutcome.PREVIEW_UNCHANGED);
  }

  @Test
  void aCompileErrorNamesFileAndLineForTheNodeItBreaks() throws Exception {
    String site = CURRENT.replace("OLD", oldBlob).replace(
        "if (trusted.certname.startsWith('db')) {",
        "if (trusted.certname.startsWith('db')) {\n    fail('db nodes are not ready')");

    Map<String, NodePreview> byNode = byNode(preview(site, ""));

    NodePreview db = byNode.get("db01");
    assertThat(db.getOutcome()).isEqualTo(NodePreviewOutcome.PREVIEW_FAILED);
    assertThat(db.getErrors(0).getLocation().getFile()).isEqualTo("site.groovy");
    assertThat(db.getErrors(0).getLocation().getLine()).isEqualTo(5);
    assertThat(db.getErrors(0).getMessage()).contains("db nodes are not ready");
    assertThat(byNode.get("web01").getOutcome())
        .isEqualTo(NodePreviewOutcome.PREVIEW_UNCHANGED);
  }

  @Test
  void secretsShowAsReferencesOnly() throws Exception {
    List<PreviewEvent> events = preview(CURRENT.replace("OLD", newBlob), "db*");

    ResourceDiff pass = byNode(events).get("db01").getResources(0);
    assertThat(pass.getResource()).isEqualTo("file[/etc/db.pass]");
    PropertyDiff content = pass.getProperties(0);
    assertThat(content.getProperty()).isEqualTo("content");
    assertThat(content.getBefore()).matches("\\[secret [0-9a-f]{16}:[0-9a-f]{64}\\]");
    assertThat(content.getAfter()).matches("\\[secret [0-9a-f]{16}:[0-9a-f]{64}\\]")
        .isNotEqualTo(content.getBefore());
    String everything = events.toString();
    assertThat(everything).doesNotContain("old password", "new password")
        .doesNotContain(oldBlob.substring(40), newBlob.substring(40));
  }

  @Test
  void aNodeCertificateIsRefusedAndABadDirectoryIsNamed() throws Exception {
    PreviewRequest request = PreviewRequest.newBuilder().setCodeDirectory(next.toString())
        .build();
    assertThatThrownBy(() -> PreviewServiceGrpc.newBlockingStub(nodes.get("web01"))
            .preview(request).forEachRemaining(e -> { }))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> PreviewServiceGrpc.newBlockingStub(admin)
            .preview(request.toBuilder().setCodeDirectory(next.resolve("missing").toString())
                .build()).forEachRemaining(e -> { }))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("missing");
        });
  }
}
