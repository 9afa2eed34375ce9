package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.engine.Transaction;
import dev.stead.agent.report.ReportSpool;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.CompileFailure;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cached catalog, write-ahead spool and lost acknowledgements, against a TLS fake master. */
class ResilienceTest {
  private static final String NODE = "test.example.com";

  @TempDir Path root;
  @TempDir Path state;
  private FakeMaster master;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    master = new FakeMaster();
    master.catalogs = n -> GetCatalogResponse.newBuilder().setCatalog(Catalogs4Test.catalog()
        .file("/motd", "content", "hello\n").build()).build();
  }

  @AfterEach
  void stop() throws Exception {
    master.close();
  }

  private int run(String server, boolean cached, boolean json,
      UnaryOperator<ReportSpool.Sender> decorator) {
    out.reset();
    err.reset();
    return new AgentRun(new AgentOptions(server, NODE, state, root, false, null, true, 0,
        cached, Transaction.DEFAULT_TIMEOUT, null, json), decorator)
        .runOnce(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private int run() {
    return run(master.address(), true, false, UnaryOperator.identity());
  }

  private static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private List<Report> spooled() throws IOException {
    try (Stream<Path> files = Files.list(state.resolve("spool"))) {
      return files.filter(p -> p.toString().endsWith(".pb")).map(p -> {
        try {
          return Report.parseFrom(Files.readAllBytes(p));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).toList();
    }
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void unreachableMasterEnforcesTheCachedCatalogAndSpoolsTheReport() throws Exception {
    assertThat(run()).as(err()).isEqualTo(2);
    Files.writeString(root.resolve("motd"), "tampered\n");

    assertThat(run(closedPort(), true, true, UnaryOperator.identity())).as(err()).isEqualTo(2);
    assertThat(root.resolve("motd")).hasContent("hello");
    assertThat(err()).contains("cannot reach the master").contains("enforcing the cached "
        + "catalog sha256:").contains("kept in");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"cachedCatalog\": true");
    List<Report> waiting = spooled();
    assertThat(waiting).hasSize(1);
    assertThat(waiting.get(0).getCachedCatalog()).isTrue();
    assertThat(waiting.get(0).getSummary().getDriftEvents()).isEqualTo(1);

    assertThat(run()).as(err()).isZero();
    assertThat(err()).contains("delivered 1 spooled report");
    assertThat(master.reports).hasSize(3);
    assertThat(master.reports.get(1).getCachedCatalog()).isTrue();
    assertThat(master.reports.get(2).getCachedCatalog()).isFalse();
    assertThat(spooled()).isEmpty();
  }

  @Test
  void noCachedCatalogMeansNoRunWhenTheMasterIsAway() throws Exception {
    assertThat(run()).isEqualTo(2);
    Files.writeString(root.resolve("motd"), "tampered\n");
    assertThat(run(closedPort(), false, false, UnaryOperator.identity())).isEqualTo(1);
    assertThat(err()).startsWith("stead agent run: cannot reach the master").hasLineCount(1);
    assertThat(root.resolve("motd")).hasContent("tampered\n");
  }

  @Test
  void compileFailureEnforcesTheCachedCatalogAndSaysSo() throws Exception {
    assertThat(run()).isEqualTo(2);
    master.catalogs = n -> GetCatalogResponse.newBuilder().setFailure(CompileFailure.newBuilder()
        .addErrors(CompileError.newBuilder().setMessage("boom"))).build();
    Files.delete(root.resolve("motd"));
    // A failure (the node does not run the current code) that changed something: 4 + 2.
    assertThat(run()).as(err()).isEqualTo(6);
    assertThat(err()).contains("the catalog did not compile: boom; enforcing the cached catalog");
    assertThat(root.resolve("motd")).hasContent("hello\n");
    assertThat(master.reports).hasSize(2);
    assertThat(master.reports.get(1).getCachedCatalog()).isTrue();
    assertThat(master.reports.get(1).getCatalogOrigin())
        .isEqualTo(CatalogOrigin.CACHED_COMPILE_FAILED);
    assertThat(master.reports.get(1).getStatus())
        .isEqualTo(RunStatus.FAILED_RUN);
    assertThat(master.reports.get(1).getCompileErrorsList()).containsExactly("boom");
    assertThat(master.reports.get(0).getCatalogOrigin())
        .isEqualTo(CatalogOrigin.FRESH);
  }

  @Test
  void aDamagedCachedCatalogIsNotEnforced() throws Exception {
    assertThat(run()).isEqualTo(2);
    Path cached = state.resolve("catalog/last.pb");
    byte[] bytes = Files.readAllBytes(cached);
    bytes[bytes.length - 3] ^= 1;
    Files.write(cached, bytes);
    assertThat(run(closedPort(), true, false, UnaryOperator.identity())).isEqualTo(1);
    assertThat(err()).contains("ignoring the cached catalog").contains("cannot reach the master");
  }

  @Test
  void aLostAcknowledgementIsResentNextRun() throws Exception {
    // The master stores the report, then the acknowledgement never arrives.
    UnaryOperator<ReportSpool.Sender> loseAck = real -> report -> {
      real.send(report);
      throw Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException();
    };
    assertThat(run(master.address(), true, false, loseAck)).isEqualTo(2);
    assertThat(master.reports).hasSize(1);
    String id = master.reports.get(0).getId();
    assertThat(spooled()).extracting(Report::getId).containsExactly(id);
    assertThat(err()).contains("could not be delivered (UNAVAILABLE)");

    assertThat(run()).isZero();
    assertThat(master.reports).extracting(Report::getId).startsWith(id, id).hasSize(3);
    assertThat(spooled()).isEmpty();
  }
}
