package dev.stead.master.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.MutableClock;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.AcceptDriftRequest;
import dev.stead.proto.v1.AcceptDriftResponse;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accepting drift on a real RocksDB store and a real code directory. */
class DriftAcceptTest {
  private static final String NODE = "web1.test";
  private static final String MOTD = "file[/etc/motd]";
  @TempDir Path dir;
  private RocksStore store;
  private Path code;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private DriftAccept accept;

  @BeforeEach
  void open() throws IOException {
    store = RocksStore.open(dir.resolve("db"));
    code = Files.createDirectories(dir.resolve("code/data")).getParent();
    Files.writeString(code.resolve("data/common.yaml"), "motd::mode: '0644'\n");
    accept = new DriftAccept(store, clock, List.of(code));
    store.putNode(NodeInfo.newBuilder().setName(NODE).build());
    store.putCatalog(NODE, Catalogs.seal(Catalog.newBuilder().setNode(NODE)
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")
            .setSource(SourceLocation.newBuilder().setFile("site.groovy").setLine(2))
            .putParameters("content", string("hello\n"))
            .putParameters("mode", string("0644"))
            .putParameters("owner", string("root"))
            .addOrigins(ParameterOrigin.newBuilder().setParameter("mode")
                .setKey("motd::mode").setFile("data/common.yaml").setLine(1))
            .addOrigins(ParameterOrigin.newBuilder().setParameter("owner")
                .setKey("motd::owner").setFile("data/common.yaml").setLine(2)))
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/key")
            .putParameters("content", Value.newBuilder().setSecretValue(
                SecretRef.newBuilder().setKeyId("k").setKeyedHash("h")).build()))
        .build()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Event drift(String property, String observed, String desired) {
    return Event.newBuilder().setProperty(property).setBefore(observed).setAfter(desired)
        .setKind(ChangeKind.DRIFT).setStatus(EventStatus.NOOP).build();
  }

  private int reports;

  /** A noop run's report, newer than the ones before: r1, r2, ... */
  private void report(String resource, Event... events) {
    reports++;
    store.addReport(Report.newBuilder().setId("r" + reports).setNode(NODE).setCodeVersion("v1")
        .setStartedAtMs(clock.millis() - 1000 + reports).setNoop(true)
        .addResources(ResourceResult.newBuilder().setKey(resource).addAllEvents(List.of(events)))
        .build());
  }

  private static AcceptDriftRequest request(String resource, String property) {
    return AcceptDriftRequest.newBuilder().setNode(NODE).setResource(resource)
        .setProperty(property).setReason("right as it is").build();
  }

  private List<ChangeRecord> decisions() {
    return new ChangeLog(store, new DriftExceptions(store, clock)).changes(
        ChangesRequest.newBuilder().setIncludeDecisions(true).build()).getChangesList()
        .stream().filter(c -> c.getKind() == ChangeKind.DECISION).toList();
  }

  @Test
  void aDataValueGetsAPatchAndTheDecisionIsAnAuditRow() {
    report(MOTD, drift("mode", "0600", "0644"));
    AcceptDriftResponse accepted = accept.accept(request(MOTD, "mode"), "alice");

    assertThat(accepted.getPatch()).isEqualTo("""
        diff --git a/data/common.yaml b/data/common.yaml
        --- a/data/common.yaml
        +++ b/data/common.yaml
        @@ -1,1 +1,1 @@
        -motd::mode: '0644'
        +motd::mode: '0600'
        """);
    assertThat(accepted.getSnippet()).isEmpty();
    assertThat(code.resolve("data/common.yaml")).hasContent("motd::mode: '0644'");
    assertThat(decisions()).singleElement().satisfies(d -> {
      assertThat(d.getDecision()).isEqualTo("accept");
      assertThat(d.getActor()).isEqualTo("alice");
      assertThat(d.getReason()).isEqualTo("right as it is");
      assertThat(d.getBefore()).isEqualTo("0644");
      assertThat(d.getAfter()).isEqualTo("0600");
      assertThat(d.getDiff()).isEqualTo(accepted.getPatch());
      assertThat(d.getReportId()).isEqualTo("r1");
    });
  }

  @Test
  void aValueFromCodeOrFromDataThatIsGoneGetsASnippet() {
    report(MOTD, drift("content", "sha256:" + "0".repeat(64), "sha256:" + "1".repeat(64)),
        drift("owner", "www-data", "root"));
    // The data key the catalog names is no longer in the file: say where, and what to write.
    assertThat(accept.accept(request(MOTD, "owner"), "alice").getSnippet()).isEqualTo("""
        # site.groovy:2: in file[/etc/motd], set owner to the value the node has:
        # (the value comes from data key 'motd::owner' in data/common.yaml:2)
        # data/common.yaml has no top-level key 'motd::owner'
        owner: 'www-data'
        """);
  }

  @Test
  void aFilesContentIsRebuiltFromTheDiffOnlyWhenItsDigestMatches() {
    String observed = "hello\nit's me\n";
    String digest = "sha256:" + HexFormat.of().formatHex(sha256(observed));
    report(MOTD, drift("content", digest, "sha256:x").toBuilder()
        .setDiff("--- /etc/motd\n+++ /etc/motd\n@@ -1,2 +1,1 @@\n hello\n-it's me\n").build());
    assertThat(accept.accept(request(MOTD, "content"), "alice").getSnippet())
        .endsWith("content: 'hello\\nit\\'s me\\n'\n");

    // A diff that does not rebuild the observed digest (cut, or of other content) yields nothing.
    report(MOTD, drift("content", "sha256:" + "0".repeat(64), "sha256:x").toBuilder()
        .setDiff("--- /etc/motd\n+++ /etc/motd\n@@ -1,2 +1,1 @@\n hello\n-it's me\n").build());
    assertThatThrownBy(() -> accept.accept(request(MOTD, "content"), "alice"))
        .isInstanceOf(DriftAccept.Refused.class).hasMessageContaining("only the digest");
  }

  @Test
  void badInputIsRefusedAndRecordsNothing() {
    report(MOTD, drift("mode", "0600", "0644"));
    assertThatThrownBy(() -> accept.accept(request(MOTD, "mode").toBuilder()
        .setNode("ghost.test").build(), "alice"))
        .isInstanceOf(NoSuchElementException.class).hasMessageContaining("unknown node 'ghost.test'");
    assertThatThrownBy(() -> accept.accept(request("file[/etc/nope]", "mode"), "alice"))
        .isInstanceOf(NoSuchElementException.class).hasMessageContaining("has no resource");
    assertThatThrownBy(() -> accept.accept(request(MOTD, "owner"), "alice"))
        .isInstanceOf(DriftAccept.Refused.class).hasMessageContaining("shows no drift");
    assertThatThrownBy(() -> accept.accept(request("/etc/motd", "mode"), "alice"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type[title]");
    assertThat(decisions()).isEmpty();
  }

  @Test
  void aSecretIsNeverWrittenOut() {
    report("file[/etc/key]", drift("content", "[redacted]", "[redacted]").toBuilder()
        .setSensitive(true).build());
    assertThatThrownBy(() -> accept.accept(request("file[/etc/key]", "content"), "alice"))
        .isInstanceOf(DriftAccept.Refused.class).hasMessageContaining("is secret");
    assertThat(decisions()).isEmpty();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
