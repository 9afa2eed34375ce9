package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.CompileFailure;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's client side against a real TLS server in this JVM. */
class AgentRunTest {
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

  private int run(String fingerprint, boolean tofu, int wait) {
    out.reset();
    err.reset();
    return new AgentRun(new AgentOptions(master.address(), NODE, state, root, false,
        fingerprint, tofu, wait)).runOnce(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void bootstrapsConvergesAndReports() throws Exception {
    String fingerprint = Fingerprints.of(master.ca.certificate());
    assertThat(run(fingerprint.toLowerCase(), false, 0)).as(err()).isEqualTo(2);
    assertThat(root.resolve("motd")).hasContent("hello");
    assertThat(out()).contains("intended: file[/motd] content").contains("run: 1 resources");
    assertThat(master.reports).hasSize(1);
    assertThat(master.reports.get(0).getNode()).isEqualTo(NODE);
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(state.resolve("ssl/private_key.pem")))).isEqualTo("rw-------");
    assertThat(state.resolve("ssl/cert.pem")).exists();
    assertThat(state.resolve("ssl/ca.pem")).exists();
    assertThat(state.resolve("catalog/last.pb")).exists();

    assertThat(run(null, false, 0)).as(err()).isZero();
    assertThat(master.reports).hasSize(2);
  }

  @Test
  void trustOnFirstUsePrintsTheFingerprint() {
    assertThat(run(null, true, 0)).as(err()).isEqualTo(2);
    assertThat(out()).contains("trusting the master's CA on first use: "
        + Fingerprints.of(master.ca.certificate()));
  }

  @Test
  void refusesAWrongFingerprint() {
    assertThat(run("SHA256:00:11", false, 0)).isEqualTo(1);
    assertThat(err()).startsWith("stead agent run: the master's CA fingerprint ")
        .contains("does not match").hasLineCount(1);
    assertThat(state.resolve("ssl/ca.pem")).doesNotExist();
  }

  @Test
  void needsAFingerprintOrTrustFirstUse() {
    assertThat(run(null, false, 0)).isEqualTo(1);
    assertThat(err()).contains("--ca-fingerprint").contains("--trust-first-use");
  }

  @Test
  void unsignedCertificateSaysWhatToDoThenWorksOnceSigned() throws Exception {
    master.autosign = false;
    assertThat(run(null, true, 0)).isEqualTo(1);
    String key = Fingerprints.ofKey(KeyMaterial.of(
        Pem.readPrivateKey(Files.readString(
            state.resolve("ssl/private_key.pem")))).getPublic());
    assertThat(out()).contains("submitted a certificate request for " + NODE
        + " with key fingerprint " + key);
    assertThat(err()).isEqualTo("stead agent run: certificate for " + NODE + " is waiting to be "
        + "signed. On the master, check that `stead ca list` shows this agent's key fingerprint "
        + key + " for " + NODE + ", then run `stead ca sign " + NODE + " --fingerprint " + key
        + "`\n");
    master.sign(NODE);
    assertThat(run(null, false, 0)).as(err()).isEqualTo(2);
  }

  @Test
  void waitsForTheCertificateWhenAsked() throws Exception {
    master.autosign = false;
    Thread signer = new Thread(() -> {
      try {
        while (!master.csrs.containsKey(NODE)) {
          Thread.sleep(50);
        }
        master.sign(NODE);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    signer.start();
    assertThat(run(null, true, 20)).as(err()).isEqualTo(2);
    signer.join();
    assertThat(out()).contains("waiting up to 20 s").contains("(key fingerprint SHA256:");
  }

  @Test
  void compileFailureReportsAndLeavesTheMachineAlone() throws Exception {
    master.catalogs = n -> GetCatalogResponse.newBuilder().setFailure(CompileFailure.newBuilder()
        .addErrors(CompileError.newBuilder().setMessage("unknown resource type `fil`")
            .setLocation(SourceLocation.newBuilder().setFile("site.groovy").setLine(3)))).build();
    assertThat(run(null, true, 0)).isEqualTo(1);
    assertThat(err()).contains("site.groovy:3: unknown resource type `fil`");
    try (var files = Files.list(root)) {
      assertThat(files).isEmpty();
    }
    assertThat(master.reports).hasSize(1);
    assertThat(master.reports.get(0).getStatus()).isEqualTo(RunStatus.FAILED_RUN);
    assertThat(master.reports.get(0).getError()).contains("site.groovy:3");
  }

  @Test
  void spoolsReportsTheMasterCannotTakeAndDeliversThemNextRun() {
    master.reportsDown = true;
    assertThat(run(null, true, 0)).isEqualTo(2);
    assertThat(err()).contains("kept in");
    assertThat(master.reports).isEmpty();
    master.reportsDown = false;
    assertThat(run(null, false, 0)).isZero();
    assertThat(err()).contains("delivered 1 spooled report");
    assertThat(master.reports).hasSize(2);
    assertThat(master.reports.get(0).getSummary().getChanged()).isEqualTo(1);
  }

  @Test
  void unreachableMasterIsOneClearLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    out.reset();
    int code = new AgentRun(new AgentOptions("127.0.0.1:" + port, NODE, state, root, false,
        null, true, 0)).runOnce(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err()).isEqualTo("stead agent run: cannot reach the master at 127.0.0.1:" + port
        + ": connection refused\n");
  }

  @Test
  void unknownHostIsOneClearLine() {
    int code = new AgentRun(new AgentOptions("no-such-host.invalid:8140", NODE, state, root,
        false, null, true, 0)).runOnce(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err())
        .startsWith("stead agent run: cannot reach the master at no-such-host.invalid:8140")
        .hasLineCount(1);
  }
}
