package dev.stead.master.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.CompileSlots;
import dev.stead.master.code.Environments;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.StartRolloutRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Rollouts} and {@link RolloutCatalogSource} over a real RocksDB store, real code
 * directories and the real compiler: the code is frozen at start and served to the canary
 * only, bad input is refused naming what, pause, resume and abort do what they say, a
 * reopened store carries the rollout on, a change of the environment's own code supersedes a
 * completed rollout, frozen copies no node gets are deleted but the newest two, and two
 * masters on one PostgreSQL database recording results at once both keep theirs.
 */
class RolloutsTest {
  private static final List<String> NODES = List.of("web1.test", "web2.test", "web3.test");
  @TempDir Path tmp;
  private final AtomicLong now = new AtomicLong(1_000_000);
  private RocksStore store;
  private Rollouts rollouts;
  private Environments environments;
  private Path code;
  private Path next;

  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };

  private static String site(String content) {
    return "node('default') { file('/etc/motd') { content '" + content + "\\n' } }\n";
  }

  @BeforeEach
  void setUp() throws Exception {
    code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), site("v1"));
    next = Files.createDirectories(tmp.resolve("next"));
    Files.writeString(next.resolve("site.groovy"), site("v2"));
    // Changes of the environment's own code are seen at the next compile.
    environments = new Environments(code, List.of(), CompileSlots.perCore(), Duration.ZERO,
        Clock.systemUTC());
    store = RocksStore.open(tmp.resolve("db"));
    rollouts = open();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private Rollouts open() {
    return new Rollouts(store, environment -> environment.equals("production") ? NODES
        : List.of(), environments::codeVersion,
        new Releases(tmp.resolve("data/rollouts"), List.of()), clock);
  }

  private StartRolloutRequest.Builder request() {
    return StartRolloutRequest.newBuilder().setEnvironment("production")
        .setCodeDirectory(next.toString()).setCanaryPercent(5).setStepPercent(50)
        .setMaxFailuresPercent(0).setWaveTimeoutMs(60_000);
  }

  private static String motd(CompileOutcome outcome) {
    return ((CompileOutcome.Compiled) outcome).catalog().getResourcesList().stream()
        .filter(r -> r.getTitle().equals("/etc/motd")).findFirst().orElseThrow()
        .getParametersMap().get("content").getStringValue();
  }

  private Report ran(String node, String version) {
    return Report.newBuilder().setId("r-" + node + now.get()).setNode(node)
        .setCodeVersion(version).setStatus(RunStatus.CHANGED_RUN)
        .setCatalogOrigin(CatalogOrigin.FRESH).setReceivedAtMs(now.get()).build();
  }

  @Test
  void theFrozenCodeGoesToTheCanaryOnlyAndItsCompileFailureIsRecorded() throws Exception {
    RolloutCatalogSource source = new RolloutCatalogSource(environments,
        node -> "production", rollouts, environments.source("production"));
    Rollout r = rollouts.start(request().build(), "stead-admin");
    // Later edits of the directory the rollout came from change nothing.
    Files.writeString(next.resolve("site.groovy"), site("v3"));
    assertThat(Path.of(r.getReleaseDirectory())).isEqualTo(tmp.resolve("data/rollouts")
        .resolve(r.getId()).toAbsolutePath());
    assertThat(Path.of(r.getReleaseDirectory()).resolve("site.groovy")).hasContent(site("v2"));
    String canary = r.getWaves(0).getNodes(0);
    String other = NODES.stream().filter(n -> !n.equals(canary)).findFirst().orElseThrow();

    CompileOutcome served = source.compile(canary, Facts.getDefaultInstance());
    assertThat(motd(served)).isEqualTo("v2\n");
    assertThat(((CompileOutcome.Compiled) served).catalog().getCodeVersion())
        .isEqualTo(r.getCodeVersion());
    assertThat(((CompileOutcome.Compiled) served).catalog().getEnvironment())
        .isEqualTo("production");
    assertThat(motd(source.compile(other, Facts.getDefaultInstance()))).isEqualTo("v1\n");
    assertThat(source.moduleRoots(canary))
        .containsExactly(Path.of(r.getReleaseDirectory()).resolve("modules"));
    assertThat(source.moduleRoots(other)).containsExactly(code.resolve("modules"));

    // The release is deleted from under the master: the canary's compile fails and the
    // rollout, told at once, halts with the node named.
    Files.delete(Path.of(r.getReleaseDirectory()).resolve("site.groovy"));
    Path broken = tmp.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("site.groovy"), "node('default') { fail('no') }\n");
    rollouts.abort("production", "stead-admin");
    Rollout failing = rollouts.start(request().setCodeDirectory(broken.toString()).build(),
        "stead-admin");
    String failingCanary = failing.getWaves(0).getNodes(0);
    assertThat(source.compile(failingCanary, Facts.getDefaultInstance()))
        .isInstanceOf(CompileOutcome.Failed.class);
    Rollout halted = rollouts.status("production").get(0);
    assertThat(halted.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_HALTED);
    assertThat(halted.getHaltReason()).contains(failingCanary + ": compile failed: site.groovy:1: no");
    // An abort serves the previous code again: the environment's own directory.
    rollouts.abort("production", "stead-admin");
    assertThat(motd(source.compile(failingCanary, Facts.getDefaultInstance())))
        .isEqualTo("v1\n");
  }

  @Test
  void badInputIsRefusedNamingWhatAndNothingIsLeftBehind() throws Exception {
    assertThatThrownBy(() -> rollouts.start(request().setCanaryPercent(0).build(), "a"))
        .hasMessage("--canary must be a percentage above 0 and at most 100, got 0%");
    assertThatThrownBy(() -> rollouts.start(request().setMaxFailuresPercent(100).build(), "a"))
        .hasMessageContaining("--max-failures must be a percentage from 0 to below 100");
    assertThatThrownBy(() -> rollouts.start(request().setEnvironment("Prod!").build(), "a"))
        .hasMessageContaining("an environment name is");
    assertThatThrownBy(() -> rollouts.start(request().setEnvironment("staging").build(), "a"))
        .hasMessageContaining("environment staging has no nodes");
    assertThatThrownBy(() -> rollouts.start(request().setCodeDirectory("next").build(), "a"))
        .hasMessageContaining("must be an absolute path");
    Files.writeString(next.resolve("site.groovy"), "node('default') {\n  file(\n");
    assertThatThrownBy(() -> rollouts.start(request().build(), "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the code in " + next + " does not load")
        .hasMessageContaining("site.groovy:3:1: unexpected end of the file");
    try (var left = Files.list(tmp.resolve("data/rollouts"))) {
      assertThat(left).isEmpty();
    }
    assertThat(store.rollouts()).isEmpty();
  }

  @Test
  void pauseResumeAbortAndAReopenedStoreCarriesTheRolloutOn() {
    Rollout r = rollouts.start(request().build(), "stead-admin");
    String canary = r.getWaves(0).getNodes(0);
    assertThatThrownBy(() -> rollouts.start(request().build(), "stead-admin"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("environment production has rollout " + r.getId()
            + " running; resume or abort it first");

    assertThat(rollouts.pause("production", "stead-admin").getPhase())
        .isEqualTo(RolloutPhase.ROLLOUT_PAUSED);
    now.addAndGet(1_000);
    rollouts.reported(ran(canary, r.getCodeVersion()));
    rollouts.tick();
    Rollout paused = rollouts.status("production").get(0);
    assertThat(paused.getWaves(0).getSucceededList()).containsExactly(canary);
    assertThat(paused.getWavesCount()).as("paused: no wave ends or starts").isEqualTo(1);

    // A master restart: the same state from the store, and it goes on from there.
    rollouts.close();
    Rollouts restarted = open();
    assertThat(restarted.status("production")).containsExactly(paused);
    Rollout resumed = restarted.resume("production", "stead-admin");
    assertThat(resumed.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_RUNNING);
    assertThat(resumed.getWavesCount()).isEqualTo(2);
    assertThat(store.rollout(r.getId())).contains(resumed);

    Rollout aborted = restarted.abort("production", "stead-admin");
    assertThat(aborted.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_ABORTED);
    assertThat(restarted.current("production").orElseThrow().servesNew(canary)).isFalse();
    assertThatThrownBy(() -> restarted.resume("production", "stead-admin"))
        .hasMessage("environment production has no rollout to resume (rollout " + r.getId()
            + " is aborted)");
  }

  @Test
  void aCompletedRolloutIsWhatTheEnvironmentServesAndTheNextOnesPreviousCode()
      throws Exception {
    RolloutCatalogSource source = new RolloutCatalogSource(environments,
        node -> "production", rollouts, environments.source("production"));
    Rollout first = complete(rollouts.start(request().build(), "stead-admin"));
    for (String node : List.of("web1.test", "new.test")) {
      assertThat(motd(source.compile(node, Facts.getDefaultInstance()))).isEqualTo("v2\n");
    }

    Files.writeString(next.resolve("site.groovy"), site("v4"));
    Rollout second = rollouts.start(request().build(), "stead-admin");
    assertThat(second.getPreviousRolloutId()).isEqualTo(first.getId());
    String canary = second.getWaves(0).getNodes(0);
    String other = NODES.stream().filter(n -> !n.equals(canary)).findFirst().orElseThrow();
    assertThat(motd(source.compile(canary, Facts.getDefaultInstance()))).isEqualTo("v4\n");
    assertThat(motd(source.compile(other, Facts.getDefaultInstance()))).isEqualTo("v2\n");
    rollouts.abort("production", "stead-admin");
    assertThat(motd(source.compile(canary, Facts.getDefaultInstance()))).isEqualTo("v2\n");
  }

  /** Every wave of {@code started} reports success until it completes. */
  private Rollout complete(Rollout started) {
    while (rollouts.status("production").get(0).getPhase() == RolloutPhase.ROLLOUT_RUNNING) {
      Rollout r = rollouts.status("production").get(0);
      now.addAndGet(1_000);
      for (String node : r.getWaves(r.getWavesCount() - 1).getNodesList()) {
        rollouts.reported(ran(node, started.getCodeVersion()));
      }
    }
    Rollout completed = rollouts.status("production").get(0);
    assertThat(completed.getId()).isEqualTo(started.getId());
    assertThat(completed.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_COMPLETED);
    return completed;
  }

  private static String codeVersion(CompileOutcome outcome) {
    return ((CompileOutcome.Compiled) outcome).catalog().getCodeVersion();
  }

  @Test
  void aChangeOfTheEnvironmentsOwnCodeSupersedesTheCompletedRollout() throws Exception {
    RolloutCatalogSource source = new RolloutCatalogSource(environments,
        node -> "production", rollouts, environments.source("production"));
    String ownBefore = codeVersion(source.compile("web1.test", Facts.getDefaultInstance()));
    Rollout completed = complete(rollouts.start(request().build(), "stead-admin"));
    assertThat(completed.getEnvironmentCodeVersion()).isEqualTo(ownBefore);
    assertThat(store.rollout(completed.getId()).orElseThrow().getEnvironmentCodeVersion())
        .isEqualTo(ownBefore);
    for (String node : List.of("web1.test", "new.test")) {
      CompileOutcome frozen = source.compile(node, Facts.getDefaultInstance());
      assertThat(motd(frozen)).isEqualTo("v2\n");
      assertThat(codeVersion(frozen)).isEqualTo(completed.getCodeVersion());
    }
    assertThat(Rollouts.supersededNote(rollouts.status("production").get(0))).isEmpty();

    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(record.getLevel() + " " + record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(Rollouts.class.getName());
    log.addHandler(handler);
    try {
      // Someone edits the environment's own directory after the completion.
      Files.writeString(code.resolve("site.groovy"), site("v5, edited by hand"));
      for (String node : List.of("web1.test", "web2.test", "new.test")) {
        assertThat(motd(source.compile(node, Facts.getDefaultInstance())))
            .isEqualTo("v5, edited by hand\n");
      }
    } finally {
      log.removeHandler(handler);
    }
    String ownAfter = environments.codeVersion("production").orElseThrow();
    assertThat(ownAfter).isNotEqualTo(ownBefore).isNotEqualTo(completed.getCodeVersion());
    assertThat(source.moduleRoots("web1.test")).containsExactly(code.resolve("modules"));
    assertThat(logged).filteredOn(line -> line.contains("superseded")).containsExactly(
        "INFO rollout " + completed.getId() + " of production superseded: the environment's"
            + " own code changed to " + ownAfter + " (was " + ownBefore + "); every node gets"
            + " it again");
    Rollout superseded = rollouts.status("production").get(0);
    assertThat(superseded.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_COMPLETED);
    assertThat(superseded.getSupersededByCodeVersion()).isEqualTo(ownAfter);
    assertThat(Rollouts.supersededNote(superseded)).contains("the completed rollout is"
        + " superseded by the environment's code version " + ownAfter + ": every node of"
        + " production gets the environment's own code again");

    // Recorded: a restarted master serves the own code too, and going back to the code of
    // the completion does not pin the frozen copy again.
    Files.writeString(code.resolve("site.groovy"), site("v1"));
    rollouts.close();
    rollouts = open();
    source = new RolloutCatalogSource(environments, node -> "production", rollouts,
        environments.source("production"));
    assertThat(store.rollout(completed.getId())).contains(superseded);
    assertThat(motd(source.compile("web3.test", Facts.getDefaultInstance()))).isEqualTo("v1\n");

    // The next rollout's previous code is the environment's own directory.
    Rollout next = rollouts.start(request().build(), "stead-admin");
    assertThat(next.getPreviousRolloutId()).isEmpty();
    String outside = NODES.stream().filter(n -> !n.equals(next.getWaves(0).getNodes(0)))
        .findFirst().orElseThrow();
    assertThat(motd(source.compile(outside, Facts.getDefaultInstance()))).isEqualTo("v1\n");
  }

  @Test
  void frozenCopiesOfFinishedRolloutsAreDeletedButTheNewestTwoAndTheServedOne()
      throws Exception {
    RolloutCatalogSource source = new RolloutCatalogSource(environments,
        node -> "production", rollouts, environments.source("production"));
    Path releases = tmp.resolve("data/rollouts");
    List<String> aborted = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      now.addAndGet(1_000);
      aborted.add(rollouts.start(request().build(), "stead-admin").getId());
      rollouts.abort("production", "stead-admin");
    }
    // Three finished: the oldest goes.
    assertThat(releases.resolve(aborted.get(0))).doesNotExist();
    assertThat(releases.resolve(aborted.get(1))).isDirectory();
    assertThat(releases.resolve(aborted.get(2))).isDirectory();

    now.addAndGet(1_000);
    Files.writeString(next.resolve("site.groovy"), site("v6"));
    Rollout served = complete(rollouts.start(request().build(), "stead-admin"));
    // The completed rollout is served, so it is not finished: two kept still.
    assertThat(releases.resolve(aborted.get(1))).isDirectory();

    now.addAndGet(1_000);
    Files.writeString(next.resolve("site.groovy"), site("v7"));
    Rollout abortedLast = rollouts.start(request().build(), "stead-admin");
    rollouts.abort("production", "stead-admin");
    // Finished now: the last abort and the two before; the completed one is served again,
    // however old.
    assertThat(releases.resolve(aborted.get(1))).doesNotExist();
    assertThat(releases.resolve(aborted.get(2))).isDirectory();
    assertThat(releases.resolve(abortedLast.getId())).isDirectory();
    assertThat(releases.resolve(served.getId()).resolve("site.groovy")).hasContent(site("v6"));
    assertThat(motd(source.compile("web1.test", Facts.getDefaultInstance()))).isEqualTo("v6\n");

    // Own code that does not load supersedes nothing: the fleet stays on the frozen copy.
    Files.writeString(code.resolve("site.groovy"), "node('default') {\n");
    assertThat(motd(source.compile("web1.test", Facts.getDefaultInstance()))).isEqualTo("v6\n");
    assertThat(releases.resolve(aborted.get(2))).isDirectory();

    // Superseded, the completed rollout is finished too: the newest two finished are kept.
    Files.writeString(code.resolve("site.groovy"), site("v8, the own code"));
    assertThat(motd(source.compile("web1.test", Facts.getDefaultInstance())))
        .isEqualTo("v8, the own code\n");
    assertThat(rollouts.status("production").get(0).getSupersededByCodeVersion())
        .isEqualTo(environments.codeVersion("production").orElseThrow());
    assertThat(releases.resolve(aborted.get(2))).doesNotExist();
    assertThat(releases.resolve(abortedLast.getId())).isDirectory();
    assertThat(releases.resolve(served.getId())).isDirectory();
    try (var left = Files.list(releases)) {
      assertThat(left).hasSize(2);
    }
  }

  @Test
  void aCodeDeployIntoTheEnvironmentSupersedesTheCompletedRollout() throws Exception {
    // The environment is a deployed git branch: CODE/environments/production, a link.
    Path deployed = Files.createDirectories(tmp.resolve("deployed/environments"))
        .getParent();
    Path bare = tmp.resolve("repo.git");
    git(tmp, "init", "--quiet", "--bare", bare.toString());
    push(bare, site("v1"));
    dev.stead.master.code.CodeDeploy deploy = new dev.stead.master.code.CodeDeploy(deployed);
    String before = deploy.deploy("production", bare.toUri().toString(), "production")
        .commit();
    environments = new Environments(deployed, List.of(), CompileSlots.perCore(),
        Duration.ZERO, Clock.systemUTC());
    rollouts.close();
    rollouts = open();
    RolloutCatalogSource source = new RolloutCatalogSource(environments,
        node -> "production", rollouts, environments.source("production"));

    Rollout completed = complete(rollouts.start(request().build(), "stead-admin"));
    assertThat(completed.getEnvironmentCodeVersion()).endsWith(before);
    assertThat(motd(source.compile("web1.test", Facts.getDefaultInstance()))).isEqualTo("v2\n");

    push(bare, site("v9 from git"));
    String after = deploy.deploy("production", bare.toUri().toString(), "production")
        .commit();
    CompileOutcome own = source.compile("web1.test", Facts.getDefaultInstance());
    assertThat(motd(own)).isEqualTo("v9 from git\n");
    assertThat(codeVersion(own)).endsWith(after);
    assertThat(rollouts.status("production").get(0).getSupersededByCodeVersion())
        .isEqualTo(codeVersion(own));
  }

  private void push(Path bare, String site) throws Exception {
    Path work = Files.createTempDirectory(tmp, "work");
    git(work, "init", "--quiet");
    Files.writeString(work.resolve("site.groovy"), site);
    git(work, "add", "site.groovy");
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet",
        "-m", site);
    git(work, "push", "--quiet", "--force", bare.toString(), "HEAD:refs/heads/production");
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(command + ": " + out).isZero();
  }

  @Test
  void aMasterOfTheSameDatabaseServesTheFrozenCopyAnotherMasterMade() throws Exception {
    dev.stead.master.storage.postgres.PostgresCluster cluster =
        dev.stead.master.storage.postgres.PostgresCluster.shared();
    dev.stead.master.storage.postgres.PostgresLocation db = cluster.createDatabase();
    Path facts = Files.createDirectories(next.resolve("modules/app/facts.d"));
    Files.writeString(facts.resolve("pending.sh"), "#!/bin/sh\necho pending=0\n");
    Files.setPosixFilePermissions(facts.resolve("pending.sh"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var storeA = dev.stead.master.storage.postgres.PostgresStore.open(db,
            cluster.credentials());
        var storeB = dev.stead.master.storage.postgres.PostgresStore.open(db,
            cluster.credentials())) {
      // Each master has a DATA directory of its own, on a machine of its own.
      Rollouts a = new Rollouts(storeA, environment -> NODES, environments::codeVersion,
          new Releases(tmp.resolve("a/rollouts"), List.of(), storeA), clock);
      Rollouts b = new Rollouts(storeB, environment -> NODES, environments::codeVersion,
          new Releases(tmp.resolve("b/rollouts"), List.of(), storeB), clock);
      Rollout r = a.start(request().build(), "stead-admin");
      b.tick();
      String canary = r.getWaves(0).getNodes(0);
      Environments environmentsB = new Environments(code, List.of(), CompileSlots.perCore(),
          Duration.ZERO, Clock.systemUTC());
      RolloutCatalogSource onB = new RolloutCatalogSource(environmentsB,
          node -> "production", b, environmentsB.source("production"));

      CompileOutcome served = onB.compile(canary, Facts.getDefaultInstance());
      assertThat(motd(served)).isEqualTo("v2\n");
      assertThat(((CompileOutcome.Compiled) served).catalog().getCodeVersion())
          .isEqualTo(r.getCodeVersion());
      Path copy = tmp.resolve("b/rollouts").resolve(r.getId());
      assertThat(onB.moduleRoots(canary)).containsExactly(copy.resolve("modules"));
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files
          .getPosixFilePermissions(copy.resolve("modules/app/facts.d/pending.sh"))))
          .isEqualTo("rwxr-xr-x");
      // The rollout goes on: B records the canary's result against the frozen version.
      b.reported(ran(canary, r.getCodeVersion()));
      assertThat(storeA.rollout(r.getId()).orElseThrow().getWaves(0).getSucceededList())
          .containsExactly(canary);
    }
  }

  @Test
  void twoMastersRecordingResultsAtTheSameTimeBothKeepTheirs() throws Exception {
    dev.stead.master.storage.postgres.PostgresCluster cluster =
        dev.stead.master.storage.postgres.PostgresCluster.shared();
    dev.stead.master.storage.postgres.PostgresLocation db = cluster.createDatabase();
    List<String> fleet = java.util.stream.IntStream.range(0, 40)
        .mapToObj(i -> "node" + i + ".test").toList();
    try (var storeA = dev.stead.master.storage.postgres.PostgresStore.open(db,
            cluster.credentials());
        var storeB = dev.stead.master.storage.postgres.PostgresStore.open(db,
            cluster.credentials())) {
      Releases releases = new Releases(tmp.resolve("data/rollouts"), List.of());
      Rollouts a = new Rollouts(storeA, environment -> fleet, environments::codeVersion,
          releases, clock);
      Rollouts b = new Rollouts(storeB, environment -> fleet, environments::codeVersion,
          releases, clock);
      // A 50% canary, so that the wave stays open while its nodes report.
      Rollout r = a.start(request().setCanaryPercent(50).build(), "stead-admin");
      b.tick(); // B reads it once, then records on its own copy without reading again
      List<String> canary = r.getWaves(0).getNodesList();
      assertThat(canary).hasSize(20);

      // Each master hears half the canary's reports, both at once.
      java.util.concurrent.ExecutorService masters =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      java.util.concurrent.Future<?> byA = masters.submit(() -> canary.subList(0, 9)
          .forEach(node -> a.reported(ran(node, r.getCodeVersion()))));
      java.util.concurrent.Future<?> byB = masters.submit(() -> canary.subList(9, 18)
          .forEach(node -> b.reported(ran(node, r.getCodeVersion()))));
      byA.get();
      byB.get();
      masters.shutdown();

      // Every result is in the store, whichever master recorded it.
      Rollout stored = storeA.rollout(r.getId()).orElseThrow();
      assertThat(stored.getWaves(0).getSucceededList())
          .containsExactlyInAnyOrderElementsOf(canary.subList(0, 18));
    }
  }
}
