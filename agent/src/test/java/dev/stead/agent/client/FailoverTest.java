package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.AgentSession;
import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.engine.Transaction;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent given two masters of one CA ({@code --server a,b}) over real TLS: it fails over when
 * the one it uses is unavailable, for the catalog and for the report, stays with the one that
 * answers, and records which master served its catalog without the digest changing.
 */
class FailoverTest {
  private static final String NODE = "test.example.com";

  @TempDir Path root;
  @TempDir Path state;
  private FakeMaster a;
  private FakeMaster b;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    TestPki.Ca ca = new TestPki.Ca("Stead fleet CA");
    a = new FakeMaster(ca);
    b = new FakeMaster(ca);
    GetCatalogResponse catalog = GetCatalogResponse.newBuilder().setCatalog(Catalogs4Test
        .catalog().file("/motd", "content", "one fleet\n").build()).build();
    a.catalogs = n -> catalog;
    b.catalogs = n -> catalog;
    b.signed.putAll(a.signed);
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
  }

  private int run(String server, AgentSession session) {
    err.reset();
    AgentOptions options = new AgentOptions(server, NODE, state, root, false, null, true, 0,
        true, Transaction.DEFAULT_TIMEOUT, null, false);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8);
    return new AgentRun(options, session).runOnce(quiet,
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRunFailsOverForTheCatalogAndStaysWithTheMasterThatAnswered() throws Exception {
    String both = a.address() + "," + b.address();
    try (AgentSession session = new AgentSession()) {
      assertThat(run(both, session)).as(err()).isEqualTo(2);
      Report first = a.reports.get(0);
      assertThat(first.getCompiledBy()).isEqualTo(a.address());
      assertThat(b.catalogRequests).isEmpty();

      a.down = true;
      Files.writeString(root.resolve("motd"), "tampered\n");
      assertThat(run(both, session)).as(err()).isEqualTo(2);
      assertThat(err()).contains("the master at " + a.address() + " is unavailable")
          .contains("failing over to " + b.address());
      assertThat(root.resolve("motd")).hasContent("one fleet\n");
      assertThat(b.reports).hasSize(1);
      Report failedOver = b.reports.get(0);
      assertThat(failedOver.getCompiledBy()).isEqualTo(b.address());
      assertThat(failedOver.getCatalogDigest()).isEqualTo(first.getCatalogDigest());
      assertThat(failedOver.getCachedCatalog()).isFalse();

      // A is back, but the agent stays with B, which answers.
      a.down = false;
      int askedA = a.catalogRequests.size();
      assertThat(run(both, session)).as(err()).isZero();
      assertThat(a.catalogRequests).hasSize(askedA);
      assertThat(b.reports).hasSize(2);
      assertThat(err()).doesNotContain("failing over");
    }
  }

  @Test
  void aReportTheFirstMasterCannotTakeGoesToTheNextAndIsNotKept() throws Exception {
    String both = a.address() + "," + b.address();
    try (AgentSession session = new AgentSession()) {
      a.reportsDown = true;
      assertThat(run(both, session)).as(err()).isEqualTo(2);
      assertThat(a.reports).isEmpty();
      assertThat(b.reports).hasSize(1);
      assertThat(b.reports.get(0).getCompiledBy()).isEqualTo(a.address());
      assertThat(spooled()).isZero();
    }
  }

  @Test
  void withEveryMasterAwayTheCachedCatalogIsEnforcedAndTheReportKept() throws Exception {
    String both = a.address() + "," + b.address();
    try (AgentSession session = new AgentSession()) {
      assertThat(run(both, session)).as(err()).isEqualTo(2);
      a.down = true;
      b.down = true;
      assertThat(run(both, session)).as(err()).isZero();
      assertThat(err()).contains("every master of " + both).contains("enforcing the cached");
      assertThat(spooled()).isEqualTo(1);
      b.down = false;
      assertThat(run(both, session)).as(err()).isZero();
      // The kept report and this run's, each once, on the master that answered.
      assertThat(b.reports).hasSize(2);
      assertThat(b.reports.get(0).getCachedCatalog()).isTrue();
      assertThat(b.reports.get(0).getCompiledBy()).isEmpty();
      assertThat(spooled()).isZero();
    }
  }

  @Test
  void aFirstRunEnrolsThroughTheNextMasterWhenTheFirstIsNotListening() throws Exception {
    String dead = closedPort();
    assertThat(run(dead + "," + b.address(), new AgentSession())).as(err()).isEqualTo(2);
    assertThat(err()).contains("the master at " + dead + " is unavailable");
    assertThat(b.reports).hasSize(1);
  }

  @Test
  void theChoiceReturnsToTheFirstMasterAfterAWhile() {
    MasterList list = MasterList.parse("a:8140, b:8141");
    MutableClock clock = new MutableClock();
    MasterChoice choice = new MasterChoice(list, clock);
    assertThat(choice.current()).isEqualTo(list.get(0));
    assertThat(choice.failedOver(list.get(0))).isEqualTo(list.get(1));
    // A late failure of A from another call does not move the agent off B.
    assertThat(choice.failedOver(list.get(0))).isEqualTo(list.get(1));
    clock.now = clock.now.plus(MasterChoice.RETURN_AFTER.minus(Duration.ofSeconds(1)));
    choice.startRun();
    assertThat(choice.current()).isEqualTo(list.get(1));
    clock.now = clock.now.plus(Duration.ofSeconds(1));
    choice.startRun();
    assertThat(choice.current()).isEqualTo(list.get(0));
  }

  @Test
  void aServerListNamesWhatIsWrongWithIt() {
    assertThat(MasterList.parse("a,b:9000").addresses()).extracting(Object::toString)
        .containsExactly("a:8140", "b:9000");
    assertThatThrownBy(() -> MasterList.parse("a:8140,"))
        .hasMessage("--server entry 2 of 'a:8140,' is empty");
    assertThatThrownBy(() -> MasterList.parse("a:8140,a"))
        .hasMessageContaining("--server names a master twice");
    assertThatThrownBy(() -> MasterList.parse("a:8140,b:99999"))
        .hasMessageContaining("--server");
  }

  private long spooled() throws IOException {
    Path spool = state.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(p -> p.toString().endsWith(".pb")).count();
    }
  }

  private static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
