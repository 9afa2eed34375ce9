package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.jobs.JobClient;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on demand with two masters on one PostgreSQL store: a real agent daemon holds its
 * command stream on master A, and {@code stead job run --wait} sent to master B asks it
 * through A and shows the result its report (stored by A) carries. B restarted still knows
 * the job; a node whose daemon stopped is offline for B at once, not waited for.
 */
class JobsAcrossMastersEndToEndTest {
  @TempDir Path tmp;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private Master start(Path data, Path code, StoreConfig store, boolean caRole)
      throws Exception {
    Master master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0,
        "*.test").withStore(store).withCaRole(caRole)).start();
    cleanup.add(master);
    return master;
  }

  private static String said(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "";
    }
  }

  private static void await(BooleanSupplier condition, String what, Path log)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the daemon said:\n"
            + said(log));
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aJobSentToOneMasterRunsANodeWhoseStreamTheOtherHolds() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    StoreConfig store = StoreConfig.postgres(cluster.createDatabase(), cluster.credentials());
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    Path dataA = tmp.resolve("a");
    Path dataB = tmp.resolve("b");
    Master a = start(dataA, code, store, true);
    // B shares A's CA through the store, without its key, as masters sharing a store do.
    Master b = start(dataB, code, store, false);

    Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
    Path log = tmp.resolve("web1.log");
    StepProcess daemon = StepProcess.startLogged(log, "agent", "run", "--server", a.address(),
        "--certname", "web1.test", "--state", tmp.resolve("state").toString(), "--root",
        root.toString(), "--ca-fingerprint", a.caFingerprint(), "--no-splay", "--no-watch",
        "--interval", "1h");
    cleanup.add(() -> {
      if (daemon.isAlive()) {
        daemon.stop(5);
      }
    });
    await(() -> said(log).contains("run 1 ended"), "the first run", log);
    await(() -> said(log).contains("subscribed to the master"), "the stream", log);
    Path motd = root.resolve("etc/motd");
    assertThat(motd).hasContent("hello");
    Files.writeString(motd, "drifted\n");

    Cli run = Cli.run("job", "run", "--nodes", "web1*", "--wait", "--timeout", "60s",
        "--data", dataB.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.output()).contains("1 node match 'web1*' (1 connected, 0 offline)")
        .containsPattern("web1\\.test +triggered")
        .containsPattern("web1\\.test +reported +changed: changed 1, failed 0, drift [01], "
            + "report [0-9a-f-]{36}")
        .contains("done: 1 reported, 0 offline");
    assertThat(motd).hasContent("hello");
    String id = run.output().lines().findFirst().orElseThrow().split(" ")[1];
    assertThat(said(log)).contains("run requested by the master (job " + id);

    // B restarted: the job is still there, as any master sharing the store sees it.
    b.close();
    b = start(dataB, code, store, false);
    Cli status = Cli.run("job", "status", id, "--data", dataB.toString());
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.output()).contains("job " + id).contains("done")
        .containsPattern("web1\\.test +reported +changed");
    try (AdminClient admin = AdminClient.connect(dataA, a.address())) {
      JobStatus onA = new JobClient(admin).status(id);
      assertThat(onA.getDone()).isTrue();
      assertThat(onA.getNodeStates(0).getState()).isEqualTo(JobNodeState.REPORTED);
    }

    // The daemon stops: A forgets its stream, and a job on B finds the node offline at once.
    assertThat(daemon.stop(30)).isZero();
    long stoppedAt = System.nanoTime();
    Cli offline = Cli.run("job", "run", "--nodes", "web1.test", "--wait", "--data",
        dataB.toString());
    assertThat(offline.exitCode()).as(offline.toString()).isEqualTo(1);
    assertThat(offline.output()).contains("(0 connected, 1 offline)")
        .containsPattern("web1\\.test +offline +not connected to any master")
        .contains("done: 0 reported, 1 offline");
    assertThat((System.nanoTime() - stoppedAt) / 1_000_000).as("never waited for")
        .isLessThan(30_000);
  }
}
