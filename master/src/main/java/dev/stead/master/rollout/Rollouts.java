package dev.stead.master.rollout;

import dev.stead.master.code.Environments;
import dev.stead.master.storage.RolloutStore;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutPhase;
import dev.stead.proto.v1.RolloutWave;
import dev.stead.proto.v1.StartRolloutRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master's staged rollouts: starts them (freezing the code), records what the nodes of
 * the open wave report, moves them on once a second ({@link RolloutProgress}), and pauses,
 * resumes and aborts them on an operator's word. Every decision is written to the store
 * before it takes effect, so a restarted master carries on from there. Which code a node
 * gets follows {@link #serving}: once a rollout has ended, the environment serves the
 * frozen copy it left every node on until the environment's own code changes, then its own
 * code again. Frozen copies no node gets any more are deleted, but for the newest
 * {@link #KEPT_FINISHED}. Thread-safe: changes are serialized, reads are not.
 */
public final class Rollouts implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Rollouts.class.getName());
  /** Twice the agent daemon's default interval (5 minutes). */
  public static final Duration DEFAULT_WAVE_TIMEOUT = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Frozen copies of finished rollouts kept (newest first) for an operator to look into. */
  public static final int KEPT_FINISHED = 2;

  private final RolloutStore store;
  private final Function<String, List<String>> nodesOf;
  private final Function<String, Optional<String>> ownVersion;
  private final Releases releases;
  private final Clock clock;
  private final Map<String, RolloutState> latest = new ConcurrentHashMap<>();
  private final List<Consumer<Path>> onDeleted = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService ticker;

  /**
   * @param nodesOf the nodes the master assigns an environment now
   * @param ownVersion the code version of an environment's own directory as the master has it
   *     loaded now (cheap: asked on catalog requests); empty when it does not load or exist
   * @param releases where rollouts freeze their code
   */
  public Rollouts(RolloutStore store, Function<String, List<String>> nodesOf,
      Function<String, Optional<String>> ownVersion, Releases releases, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.nodesOf = Objects.requireNonNull(nodesOf, "nodesOf");
    this.ownVersion = Objects.requireNonNull(ownVersion, "ownVersion");
    this.releases = Objects.requireNonNull(releases, "releases");
    this.clock = Objects.requireNonNull(clock, "clock");
    reload();
    prune();
  }

  /** Calls {@code listener} with each frozen copy deleted (to drop what it loaded of it). */
  public void onDeleted(Consumer<Path> listener) {
    onDeleted.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Moves the rollouts on every {@code period} until closed. */
  public Rollouts every(Duration period) {
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stead-rollouts");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(() -> {
      try {
        tick();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "moving the rollouts on failed; trying again", e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Where the frozen code of rollout {@code id} is served from: this master's copy, unpacked
   * from a shared store first when another master started the rollout.
   */
  public Path release(String id) {
    return releases.served(id);
  }

  /** Whether any environment has a rollout (running or ended). */
  public boolean any() {
    return !latest.isEmpty();
  }

  /** The newest rollout of {@code environment}, as last decided. */
  public Optional<RolloutState> current(String environment) {
    return Optional.ofNullable(latest.get(environment));
  }

  /**
   * The newest rollout of {@code environment}, which decides the code its nodes get: when it
   * has ended on a frozen copy and the environment's own code version differs from the one
   * recorded for it, it is superseded first (recorded, so every node gets the environment's
   * own code from then on).
   */
  public Optional<RolloutState> serving(String environment) {
    RolloutState state = latest.get(environment);
    if (state == null || !state.pinsFrozenCopy()) {
      return Optional.ofNullable(state);
    }
    Optional<String> own = ownVersion.apply(environment);
    // Own code that does not load supersedes nothing: the fleet stays on working code.
    if (own.isEmpty() || own.get().equals(state.rollout().getEnvironmentCodeVersion())) {
      return Optional.of(state);
    }
    return Optional.of(supersede(state, own.get()));
  }

  private synchronized RolloutState supersede(RolloutState seen, String own) {
    RolloutState state = latest.get(seen.rollout().getEnvironment());
    if (!state.rollout().getId().equals(seen.rollout().getId()) || !state.pinsFrozenCopy()) {
      return state; // decided meanwhile
    }
    Rollout r = state.rollout();
    try {
      long now = clock.millis();
      update(r, current -> own.equals(current.getSupersededByCodeVersion()) ? current
          : current.toBuilder().setSupersededByCodeVersion(own).setUpdatedAtMs(now).build());
    } catch (RuntimeException e) {
      // Nothing changed: the next catalog request or tick tries again.
      LOG.log(Level.WARNING, "recording that the code of " + r.getEnvironment()
          + " supersedes rollout " + r.getId() + " failed", e);
      return state;
    }
    LOG.info(() -> "rollout " + r.getId() + " of " + r.getEnvironment() + " superseded: the"
        + " environment's own code changed to " + own + " (was "
        + (r.getEnvironmentCodeVersion().isEmpty() ? "not loading"
            : r.getEnvironmentCodeVersion()) + "); every node gets it again");
    return latest.get(r.getEnvironment());
  }

  /**
   * Freezes the code and starts the rollout with its canary wave.
   *
   * @throws IllegalArgumentException for bad input or code that does not load
   * @throws IllegalStateException when the environment has an active rollout
   */
  public synchronized Rollout start(StartRolloutRequest request, String who) {
    String environment = request.getEnvironment();
    String problem = Environments.nameProblem(environment);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    requirePercent("--canary", request.getCanaryPercent(), false);
    requirePercent("--step", request.getStepPercent(), false);
    requirePercent("--max-failures", request.getMaxFailuresPercent(), true);
    if (request.getWaveTimeoutMs() < 0) {
      throw new IllegalArgumentException("--wave-timeout must not be negative");
    }
    Optional<RolloutState> before = serving(environment);
    if (before.isPresent() && before.get().active()) {
      Rollout r = before.get().rollout();
      throw new IllegalStateException("environment " + environment + " has rollout "
          + r.getId() + " " + phase(r.getPhase()) + "; resume or abort it first");
    }
    List<String> nodes = nodesOf.apply(environment);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("environment " + environment + " has no nodes (a"
          + " node counts once it has fetched a catalog or was assigned the environment)");
    }
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(6));
    Releases.Frozen frozen = releases.freeze(id, Path.of(request.getCodeDirectory()));
    long now = clock.millis();
    Rollout started = Rollout.newBuilder().setId(id).setEnvironment(environment)
        .setCodeDirectory(request.getCodeDirectory())
        .setReleaseDirectory(frozen.directory().toString())
        .setCodeVersion(frozen.codeVersion())
        .setPreviousRolloutId(before.flatMap(RolloutState::servedAfter).orElse(""))
        // The previous copy is checked against what was recorded when it was settled.
        .setEnvironmentCodeVersion(before.filter(b -> b.servedAfter().isPresent())
            .map(b -> b.rollout().getEnvironmentCodeVersion()).orElse(""))
        .setCanaryPercent(request.getCanaryPercent())
        .setStepPercent(request.getStepPercent())
        .setMaxFailuresPercent(request.getMaxFailuresPercent())
        .setWaveTimeoutMs(request.getWaveTimeoutMs() > 0 ? request.getWaveTimeoutMs()
            : DEFAULT_WAVE_TIMEOUT.toMillis())
        .setPhase(RolloutPhase.ROLLOUT_RUNNING)
        .setStartedAtMs(now).setUpdatedAtMs(now).setStartedBy(who).build();
    Rollout first = RolloutProgress.advance(started, () -> nodes, now);
    // Checked again in the store: another master may have started one since it was read.
    Optional<Rollout> blocked = store.startRollout(first, r -> RolloutState.active(r.getPhase()));
    if (blocked.isPresent()) {
      releases.delete(id);
      remember(blocked.get());
      Rollout r = blocked.get();
      throw new IllegalStateException("environment " + environment + " has rollout "
          + r.getId() + " " + phase(r.getPhase()) + "; resume or abort it first");
    }
    remember(first);
    LOG.info(() -> "rollout " + id + " of " + environment + " started by " + who + ": code "
        + request.getCodeDirectory() + " frozen as " + frozen.codeVersion() + " in "
        + frozen.directory());
    logChange(started, first);
    return first;
  }

  /** Stops widening: the nodes in waves keep the new code. */
  public synchronized Rollout pause(String environment, String who) {
    Rollout r = active(environment, "pause");
    if (r.getPhase() != RolloutPhase.ROLLOUT_RUNNING) {
      throw new IllegalStateException("rollout " + r.getId() + " of " + environment + " is "
          + phase(r.getPhase()) + ", not running");
    }
    return change(r, current -> current.toBuilder().setPhase(RolloutPhase.ROLLOUT_PAUSED)
        .build(), "paused", who);
  }

  /** Goes on from a pause or a halt (the failed wave stays as it ended). */
  public synchronized Rollout resume(String environment, String who) {
    Rollout r = active(environment, "resume");
    if (r.getPhase() == RolloutPhase.ROLLOUT_RUNNING) {
      throw new IllegalStateException("rollout " + r.getId() + " of " + environment
          + " is running already");
    }
    Rollout resumed = change(r, current -> current.toBuilder()
        .setPhase(RolloutPhase.ROLLOUT_RUNNING).setHaltReason("").build(), "resumed", who);
    return step(resumed);
  }

  /** Puts every node back on the previous code. */
  public synchronized Rollout abort(String environment, String who) {
    Rollout r = active(environment, "abort");
    return change(r, current -> current.toBuilder().setPhase(RolloutPhase.ROLLOUT_ABORTED)
        .build(), "aborted", who);
  }

  /** The newest rollout of {@code environment}, or of every environment when empty. */
  public List<Rollout> status(String environment) {
    List<Rollout> out = new ArrayList<>();
    for (String env : List.copyOf(latest.keySet())) {
      if (environment.isEmpty() || env.equals(environment)) {
        serving(env).ifPresent(state -> out.add(state.rollout()));
      }
    }
    out.sort((a, b) -> Long.compare(b.getStartedAtMs(), a.getStartedAtMs()));
    return List.copyOf(out);
  }

  /** Records a stored report of a node in an open wave, and moves its rollout on. */
  public void reported(Report report) {
    // Every stored report comes here, most of nodes in no open wave: those take no lock (the
    // report threads queued on it). A rollout opened meanwhile counts the report as one
    // stored just before it opened.
    try {
      if (latest.values().stream().allMatch(
          state -> RolloutProgress.record(state.rollout(), report) == state.rollout())) {
        return;
      }
    } catch (RuntimeException e) {
      // recorded below, where the failure is logged
    }
    recordReported(report);
  }

  private synchronized void recordReported(Report report) {
    try {
      for (RolloutState state : List.copyOf(latest.values())) {
        // This master's copy (read again every tick) tells whether the node is in an open
        // wave; the result is recorded in the stored copy, which another master may have
        // written since.
        if (RolloutProgress.record(state.rollout(), report) == state.rollout()) {
          continue;
        }
        Rollout recorded = update(state.rollout(),
            current -> RolloutProgress.record(current, report));
        if (!recorded.equals(state.rollout())) {
          step(recorded);
        }
      }
    } catch (RuntimeException e) {
      // The report is stored: the node's next run records its result again.
      LOG.log(Level.WARNING, "recording the report of " + report.getNode()
          + " in its rollout failed", e);
    }
  }

  /**
   * Records that the new code of {@code environment}'s rollout did not compile for
   * {@code node} (when the node is in its open wave), and moves the rollout on.
   */
  public synchronized void compileFailed(String environment, String node, String error) {
    RolloutState state = latest.get(environment);
    if (state == null) {
      return;
    }
    long now = clock.millis();
    String reason = "compile failed: " + error;
    if (RolloutProgress.fail(state.rollout(), node, reason, now) != state.rollout()) {
      try {
        step(update(state.rollout(),
            current -> RolloutProgress.fail(current, node, reason, now)));
      } catch (RuntimeException e) {
        // The node still gets its answer; its next compile records the failure again.
        LOG.log(Level.WARNING, "recording the compile failure of " + node
            + " in its rollout failed", e);
      }
    }
  }

  /** Reads the rollouts again (another master may have moved them) and moves them on. */
  public synchronized void tick() {
    reload();
    for (RolloutState state : List.copyOf(latest.values())) {
      step(state.rollout());
      serving(state.rollout().getEnvironment());
    }
  }

  private Rollout step(Rollout r) {
    if (advanced(r).equals(r)) {
      return r;
    }
    Rollout next = update(r, this::advanced);
    logChange(r, next);
    return next;
  }

  /** {@code r} moved on as far as its waves allow now; {@code r} itself when nothing moves. */
  private Rollout advanced(Rollout r) {
    Rollout advanced = RolloutProgress.advance(r, () -> nodesOf.apply(r.getEnvironment()),
        clock.millis());
    Rollout next = advanced.getPhase() == RolloutPhase.ROLLOUT_COMPLETED
        && r.getPhase() != RolloutPhase.ROLLOUT_COMPLETED
        // What a later change of the environment's own code is told apart from.
        ? advanced.toBuilder().setEnvironmentCodeVersion(
            ownVersion.apply(r.getEnvironment()).orElse("")).build()
        : advanced;
    return next.equals(r) ? r : next;
  }

  private Rollout active(String environment, String verb) {
    Optional<RolloutState> state = current(environment);
    if (state.isEmpty() || !state.get().active()) {
      throw new IllegalStateException("environment " + environment + " has no rollout to "
          + verb + (state.isEmpty() ? "" : " (rollout " + state.get().rollout().getId()
              + " is " + phase(state.get().rollout().getPhase()) + ")"));
    }
    return state.get().rollout();
  }

  private Rollout change(Rollout before, UnaryOperator<Rollout> edit, String verb, String who) {
    long now = clock.millis();
    Rollout changed = update(before,
        current -> edit.apply(current).toBuilder().setUpdatedAtMs(now).build());
    LOG.info(() -> "rollout " + before.getId() + " of " + before.getEnvironment() + " "
        + verb + " by " + who);
    return changed;
  }

  /**
   * Applies {@code change} to the stored copy of {@code seen} (the freshest: another master
   * may have written it since this one read it), as one step, and remembers the result.
   */
  private Rollout update(Rollout seen, UnaryOperator<Rollout> change) {
    Rollout stored = store.updateRollout(seen.getId(), change).orElseThrow(() ->
        new IllegalStateException("rollout " + seen.getId() + " of " + seen.getEnvironment()
            + " is not in the store"));
    remember(stored);
    return stored;
  }

  private void remember(Rollout r) {
    RolloutState saved = new RolloutState(r);
    latest.put(r.getEnvironment(), saved);
    if (!saved.active()) {
      prune(); // it ended or was superseded: a frozen copy may be served no more
    }
  }

  /**
   * Deletes the frozen copies of finished rollouts (ended, and no node gets their copy) but
   * the newest {@link #KEPT_FINISHED}. A failure leaves the copy for the next try.
   */
  private synchronized void prune() {
    Set<String> served = new HashSet<>();
    latest.values().forEach(state -> served.addAll(state.servedReleases()));
    int finished = 0;
    for (Rollout r : store.rollouts()) { // newest first
      if (RolloutState.active(r.getPhase()) || served.contains(r.getId())
          || ++finished <= KEPT_FINISHED) {
        continue;
      }
      try {
        if (releases.delete(r.getId())) {
          LOG.info("deleted the frozen copy of finished rollout " + r.getId() + " of "
              + r.getEnvironment() + " (" + releases.directory(r.getId()) + ")");
          onDeleted.forEach(listener -> listener.accept(releases.directory(r.getId())));
        }
      } catch (java.io.UncheckedIOException e) {
        LOG.log(Level.WARNING, "deleting the frozen copy of rollout " + r.getId()
            + " failed; trying again when the next rollout ends", e);
      }
    }
  }

  private void reload() {
    Map<String, RolloutState> newest = new java.util.HashMap<>();
    for (Rollout r : store.rollouts()) {
      newest.putIfAbsent(r.getEnvironment(), new RolloutState(r));
    }
    latest.putAll(newest);
  }

  private static void logChange(Rollout before, Rollout after) {
    String what = "rollout " + after.getId() + " of " + after.getEnvironment();
    if (after.getWavesCount() > before.getWavesCount()) {
      RolloutWave wave = after.getWaves(after.getWavesCount() - 1);
      LOG.info(what + ": wave " + wave.getNumber() + " started with "
          + wave.getNodesCount() + " node" + (wave.getNodesCount() == 1 ? "" : "s"));
    }
    if (after.getPhase() != before.getPhase()) {
      if (after.getPhase() == RolloutPhase.ROLLOUT_HALTED) {
        LOG.warning(what + " halted: " + after.getHaltReason());
      } else {
        LOG.info(what + " " + phase(after.getPhase()));
      }
    }
  }

  /** {@code running}, {@code paused}, ... as operators read it. */
  public static String phase(RolloutPhase phase) {
    return switch (phase) {
      case ROLLOUT_RUNNING -> "running";
      case ROLLOUT_PAUSED -> "paused";
      case ROLLOUT_HALTED -> "halted";
      case ROLLOUT_COMPLETED -> "completed";
      case ROLLOUT_ABORTED -> "aborted";
      default -> "unknown";
    };
  }

  /**
   * What {@code stead rollout status} says of an ended rollout whose frozen copy the
   * environment no longer serves because its own code changed; empty otherwise.
   */
  public static Optional<String> supersededNote(Rollout r) {
    if (r.getSupersededByCodeVersion().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("the " + phase(r.getPhase()) + " rollout is superseded by the"
        + " environment's code version " + r.getSupersededByCodeVersion() + ": every node of "
        + r.getEnvironment() + " gets the environment's own code again");
  }

  private static void requirePercent(String option, double value, boolean zeroAllowed) {
    boolean ok = zeroAllowed ? value >= 0 && value < 100 : value > 0 && value <= 100;
    if (!ok || Double.isNaN(value)) {
      throw new IllegalArgumentException(option + " must be a percentage "
          + (zeroAllowed ? "from 0 to below 100" : "above 0 and at most 100") + ", got "
          + RolloutProgress.percent(value) + "%");
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }
}
