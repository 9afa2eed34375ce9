package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logs of real {@code stead master start} and {@code stead agent run} processes, read as
 * an operator reads them: one line per event, each with an ISO-8601 time and a level; a line
 * for every catalog served, report stored and authentication refused, naming the peer; and
 * {@code --verbose}/{@code --debug} change what is printed.
 */
class LogLinesEndToEndTest {
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
  /** Every line of these logs: time, level padded to five, one space, the message. */
  private static final Pattern LINE =
      Pattern.compile(TIME + " (ERROR|WARN |INFO |DEBUG|TRACE) \\S.*");

  @TempDir Path tmp;

  private Path code() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    return code;
  }

  private static String fingerprint(MasterProcess master) throws Exception {
    try (AdminClient admin = master.admin()) {
      return admin.caFingerprint();
    }
  }

  private List<String> agentRun(MasterProcess master, String state, String... extra)
      throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root-" + state + "/etc")).getParent();
    List<String> args = new ArrayList<>(List.of("agent", "run", "--server", master.address,
        "--certname", "web1.test", "--state", tmp.resolve(state).toString(),
        "--root", root.toString(), "--ca-fingerprint", fingerprint(master)));
    args.addAll(List.of(extra));
    return args;
  }

  /** The log's lines once one matches {@code wanted}; fails after 30 s. */
  private static List<String> awaitLine(Path log, String wanted) throws Exception {
    Pattern pattern = Pattern.compile(wanted);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      if (lines.stream().anyMatch(l -> pattern.matcher(l).find())) {
        return lines;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no line matching /" + wanted + "/ in " + log + ":\n"
            + String.join("\n", lines));
      }
      Thread.sleep(100);
    }
  }

  private ManagedChannel channel(MasterProcess master, SslContextBuilder tls) throws Exception {
    return NettyChannelBuilder.forAddress("127.0.0.1", master.port)
        .sslContext(tls.protocols("TLSv1.3").build()).build();
  }

  private static void assertAllLinesInTheFormat(List<String> lines) {
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).matches(LINE));
  }

  @Test
  void theMasterLogsEachCatalogReportAndRefusalAsOneTimedLine() throws Exception {
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code(),
        "--autosign", "*.test")) {
      Path masterLog = tmp.resolve("master.log");
      Path agentLog = tmp.resolve("agent.log");
      StepProcess daemon = StepProcess.startLogged(agentLog, agentRun(master, "state",
          "--no-splay", "--interval", "1h", "--verbose").toArray(String[]::new));
      List<String> agentLines;
      try {
        agentLines = awaitLine(agentLog, "run 1 ended");
        awaitLine(agentLog, "next run in");
      } finally {
        daemon.stop(30);
      }

      // Refused: no certificate where a node's is needed; a certificate from another CA; a
      // certificate request that is not one.
      ManagedChannel anonymous = channel(master, GrpcSslContexts.forClient()
          .trustManager(master.data.resolve("ca/ca.pem").toFile()));
      TestPki.Identity foreign = TestPki.foreignClient(tmp.resolve("foreign"), "web1.test");
      ManagedChannel stranger = channel(master, GrpcSslContexts.forClient()
          .trustManager(master.data.resolve("ca/ca.pem").toFile())
          .keyManager(foreign.insistingKeyManager()));
      try {
        GetCatalogRequest request = GetCatalogRequest.newBuilder().setNode("web1.test")
            .setFacts(Facts.getDefaultInstance()).build();
        assertThatThrownBy(() -> CatalogServiceGrpc.newBlockingStub(anonymous)
            .getCatalog(request)).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> CatalogServiceGrpc.newBlockingStub(stranger)
            .getCatalog(request)).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> BootstrapGrpc.newBlockingStub(anonymous)
            .submitCsr(SubmitCsrRequest.newBuilder().setCertname("evil.test")
                .setCsrPem("not a certificate request").build()))
            .isInstanceOf(StatusRuntimeException.class);
      } finally {
        anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        stranger.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      awaitLine(masterLog, "CSR refused");
      List<String> lines = awaitLine(masterLog, "TLS handshake");
      assertAllLinesInTheFormat(lines);
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " INFO  catalog served "
          + "node=web1\\.test digest=sha256:[0-9a-f]{12}… compile_ms=\\d+ answer=catalog"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " INFO  report stored "
          + "node=web1\\.test id=\\S+ status=changed resources=1 changed=1 failed=0 drift=0"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " WARN  authentication "
          + "failed peer=127\\.0\\.0\\.1:\\d+ certificate=none "
          + "method=stead\\.v1\\.CatalogService/GetCatalog status=UNAUTHENTICATED: .+"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " WARN  authentication "
          + "failed peer=127\\.0\\.0\\.1:\\d+ TLS handshake: .+"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " WARN  CSR refused "
          + "certname=evil\\.test peer=127\\.0\\.0\\.1:\\d+ reason=INVALID: .+"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " INFO  listening on .+"));
      // Without --verbose the master prints no DEBUG lines.
      assertThat(lines).noneMatch(l -> l.contains(" DEBUG "));

      // The daemon's log has the same format; --verbose added its DEBUG lines.
      assertAllLinesInTheFormat(Files.readAllLines(agentLog));
      assertThat(agentLines).anySatisfy(l -> assertThat(l).matches(TIME
          + " INFO  daemon started \\(pid \\d+\\).*"));
      assertThat(Files.readAllLines(agentLog)).anySatisfy(l -> assertThat(l).matches(TIME
          + " DEBUG next run in .+"));
    }
  }

  @Test
  void verboseAddsStedsDebugLinesAndDebugAddsTheLibrariesToo() throws Exception {
    Path code = code();
    try (MasterProcess master = MasterProcess.start(tmp.resolve("verbose"), code,
        "--autosign", "*.test", "--verbose")) {
      Cli run = Cli.run(agentRun(master, "state-v", "--once").toArray(String[]::new));
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      List<String> lines = awaitLine(tmp.resolve("verbose.log"), "report stored");
      assertAllLinesInTheFormat(lines);
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " DEBUG call "
          + "peer=127\\.0\\.0\\.1:\\d+ certificate=web1\\.test "
          + "method=stead\\.v1\\.CatalogService/GetCatalog"));
      assertThat(lines).noneMatch(l -> l.contains("[io.grpc"));
    }
    try (MasterProcess master = MasterProcess.start(tmp.resolve("debug"), code,
        "--autosign", "*.test", "--debug")) {
      Cli run = Cli.run(agentRun(master, "state-d", "--once").toArray(String[]::new));
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      List<String> lines = awaitLine(tmp.resolve("debug.log"), "report stored");
      // Stack traces come with --debug, indented under their record.
      assertAllLinesInTheFormat(lines.stream().filter(l -> !l.startsWith("    ")).toList());
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(TIME + " DEBUG call .+"));
      // gRPC's own frame log, named by its logger.
      assertThat(lines).anySatisfy(l -> assertThat(l)
          .matches(TIME + " DEBUG .+ \\[io\\.grpc\\.[\\w.]+\\]"));
    }
  }
}
