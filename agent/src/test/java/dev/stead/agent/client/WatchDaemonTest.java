package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentDaemon;
import dev.stead.agent.AgentOptions;
import dev.stead.agent.Catalogs4Test;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunTrigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's watch between runs, with real files, the real WatchService and a master over
 * real TLS in this JVM: a change to a managed file is checked and repaired within seconds and
 * reported as {@code watch}; a burst is one check; the repair causes no further check.
 */
class WatchDaemonTest {
  private static final String NODE = "test.example.com";
  @TempDir Path root;
  @TempDir Path state;
  private FakeMaster master;
  private AgentDaemon daemon;
  private Thread loop;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    master = new FakeMaster();
    Catalog catalog = Catalogs4Test.catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/app.conf", "content", "port 80\n").build();
    master.catalogs = n -> GetCatalogResponse.newBuilder().setCatalog(catalog).build();
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
      loop.join(20_000);
    }
    master.close();
  }

  private void serve(boolean noop, boolean watch) throws Exception {
    AgentOptions options = new AgentOptions(master.address(), NODE, state, root, noop, null,
        true, 0);
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    daemon = new AgentDaemon(options, Duration.ofHours(1), false, watch, out, out);
    loop = new Thread(() -> {
      try {
        daemon.serve();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    loop.start();
    // The watch starts once the first run told it the catalog's paths (the run ends after).
    await(() -> log.toString(StandardCharsets.UTF_8).contains("run 1 ended"));
    assertThat(master.reports).hasSize(1);
  }

  private void await(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement e : loop.getStackTrace()) {
          stack.append("\n  at ").append(e);
        }
        throw new AssertionError("timed out; the daemon said:\n" + log + "\nits thread:"
            + stack);
      }
      Thread.sleep(10);
    }
  }

  private List<Report> watchReports() {
    return master.reports.stream().filter(r -> r.getTrigger() == RunTrigger.WATCH).toList();
  }

  private Path conf() {
    return root.resolve("etc/app.conf");
  }

  @Test
  void aChangedFileIsRepairedAndReportedAsWatchWithoutALoop() throws Exception {
    serve(false, true);
    assertThat(master.reports.get(0).getTrigger()).isEqualTo(RunTrigger.SCHEDULED);

    Files.writeString(conf(), "port 8080\n");
    await(() -> watchReports().size() == 1);

    Report watch = watchReports().get(0);
    assertThat(watch.getSummary().getResources()).isEqualTo(1);
    assertThat(watch.getResources(0).getKey()).isEqualTo("file[/etc/app.conf]");
    assertThat(watch.getResources(0).getStatus()).isEqualTo(ResourceStatus.CHANGED);
    assertThat(watch.getResources(0).getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(conf()).hasContent("port 80");
    // The repair's own write is not a change to check again.
    Thread.sleep(1_500);
    assertThat(daemon.checks()).isEqualTo(1);
    assertThat(master.reports).hasSize(2);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("1 changed path; checking 1 resource");
  }

  @Test
  void aBurstOfTenThousandWritesIsAtMostThreeChecksAndReports() throws Exception {
    serve(false, true);
    long started = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      Files.writeString(conf(), "burst " + i + "\n");
    }
    long burstMs = (System.nanoTime() - started) / 1_000_000;
    await(() -> !watchReports().isEmpty() && Files.exists(conf()) && content().equals("port 80\n"));
    Thread.sleep(2_000); // let any check still due happen
    assertThat(conf()).hasContent("port 80");
    System.out.println("watch: a burst of 10,000 writes in " + burstMs + " ms made "
        + daemon.checks() + " checks and " + watchReports().size() + " reports");
    assertThat(daemon.checks()).as("checks after a burst of %d ms", burstMs).isBetween(1, 3);
    assertThat(watchReports()).hasSizeBetween(1, 3);
  }

  private String content() {
    try {
      return Files.readString(conf());
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void inNoopTheChangeIsReportedPendingAndLeftAlone() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(conf(), "port 80\n");
    serve(true, true);

    Files.writeString(conf(), "port 8080\n");
    await(() -> watchReports().size() == 1);

    assertThat(watchReports().get(0).getResources(0).getStatus())
        .isEqualTo(ResourceStatus.WOULD_CHANGE);
    assertThat(watchReports().get(0).getNoop()).isTrue();
    assertThat(conf()).hasContent("port 8080");
  }

  @Test
  void anUnmanagedNeighbourIsNotChecked() throws Exception {
    serve(false, true);
    Files.writeString(root.resolve("etc/other.conf"), "x\n");
    Thread.sleep(1_500);
    assertThat(daemon.checks()).isZero();
    assertThat(master.reports).hasSize(1);
  }

  @Test
  void withoutWatchNothingHappensUntilTheNextRun() throws Exception {
    serve(false, false);
    Files.writeString(conf(), "port 8080\n");
    Thread.sleep(1_500);
    assertThat(daemon.checks()).isZero();
    assertThat(conf()).hasContent("port 8080");
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("watching managed files");
  }
}
