package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.AgentSession;
import dev.stead.agent.Catalogs4Test;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent tells the master which catalog it holds ({@code known_digest}); on "unchanged" it
 * enforces the one it holds, without receiving or rewriting it. A daemon's runs share one
 * connection. Real TLS to a master in this JVM.
 */
class UnchangedCatalogTest {
  private static final String NODE = "test.example.com";

  @TempDir Path root;
  @TempDir Path state;
  private FakeMaster master;
  private Catalog catalog;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    master = new FakeMaster();
    catalog = Catalogs4Test.catalog().file("/motd", "content", "hello\n").build();
    master.catalogs = n -> GetCatalogResponse.newBuilder().setCatalog(catalog).build();
  }

  @AfterEach
  void stop() throws Exception {
    master.close();
  }

  private AgentOptions options() {
    return new AgentOptions(master.address(), NODE, state, root, false, null, true, 0);
  }

  private int run(AgentRun run) {
    out.reset();
    err.reset();
    return run.runOnce(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String knownDigest(int request) {
    return master.catalogRequests.get(request).getKnownDigest();
  }

  @Test
  void aHeldCatalogIsNotSentOrRewrittenAgainAndStillEnforced() throws Exception {
    assertThat(run(new AgentRun(options()))).as(err.toString()).isEqualTo(2);
    Path cached = state.resolve("catalog/last.pb");
    BasicFileAttributes before = Files.readAttributes(cached, BasicFileAttributes.class);
    Files.writeString(root.resolve("motd"), "tampered\n");

    assertThat(run(new AgentRun(options()))).as(err.toString()).isEqualTo(2);

    assertThat(knownDigest(0)).isEmpty();
    assertThat(knownDigest(1)).isEqualTo(catalog.getDigest());
    assertThat(root.resolve("motd")).hasContent("hello");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("drift: file[/motd] content");
    BasicFileAttributes after = Files.readAttributes(cached, BasicFileAttributes.class);
    assertThat(after.fileKey()).isEqualTo(before.fileKey());
    assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
  }

  @Test
  void aChangedCatalogReplacesTheHeldOne() throws Exception {
    assertThat(run(new AgentRun(options()))).isEqualTo(2);
    catalog = Catalogs4Test.catalog().file("/motd", "content", "new\n").build();

    assertThat(run(new AgentRun(options()))).as(err.toString()).isEqualTo(2);

    assertThat(root.resolve("motd")).hasContent("new");
    assertThat(Catalog.parseFrom(Files.readAllBytes(state.resolve("catalog/last.pb")))
        .getDigest()).isEqualTo(catalog.getDigest());
  }

  @Test
  void aDamagedCachedCatalogIsNotClaimedAndIsReplaced() throws Exception {
    assertThat(run(new AgentRun(options()))).isEqualTo(2);
    Path cached = state.resolve("catalog/last.pb");
    byte[] bytes = Files.readAllBytes(cached);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(cached, bytes);

    assertThat(run(new AgentRun(options()))).as(err.toString()).isZero();

    assertThat(knownDigest(1)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("ignoring the cached catalog");
    assertThat(Catalog.parseFrom(Files.readAllBytes(cached))).isEqualTo(catalog);
  }

  @Test
  void aDaemonSessionKeepsOneConnectionAndTheCatalogInMemory() throws Exception {
    try (AgentSession session = new AgentSession()) {
      assertThat(run(new AgentRun(options(), session))).as(err.toString()).isEqualTo(2);
      int afterFirstRun = master.connections.get(); // bootstrap's channels and the session's
      for (int i = 0; i < 2; i++) {
        assertThat(run(new AgentRun(options(), session))).as(err.toString()).isZero();
      }
      // Even with the cached file gone: the session holds the catalog it verified.
      Files.delete(state.resolve("catalog/last.pb"));
      assertThat(run(new AgentRun(options(), session))).as(err.toString()).isZero();
      assertThat(master.connections.get()).isEqualTo(afterFirstRun);
    }
    // Without a session every run dials anew.
    int before = master.connections.get();
    assertThat(run(new AgentRun(options()))).isZero();
    assertThat(master.connections.get()).isEqualTo(before + 1);
    assertThat(master.catalogRequests).extracting(GetCatalogRequest::getKnownDigest)
        .containsExactly("", catalog.getDigest(), catalog.getDigest(), catalog.getDigest(),
            "");
  }
}
