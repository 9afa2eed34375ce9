package dev.stead.master.jobs;

import dev.stead.master.fleet.Globs;
import dev.stead.master.storage.JobStore;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunNow;
import dev.stead.proto.v1.RunRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs on demand across every master sharing the store. The master an operator asks starts the
 * job and runs its batches; each node is asked through whichever master holds its stream: the
 * job records a {@link RunRequest} for that master in the store, and that master's timer takes
 * it and pushes "run now" down the stream. The node's end is written to the store by whoever
 * sees it — the master that stores the run's report (REPORTED), the one whose stream ends
 * (DISCONNECTED), the job's own master at its timeout (TIMED_OUT) — and the job's master reads
 * the job back at every tick and tells its watchers what moved. A node that another job waits
 * for is BUSY, not asked twice; a node no live master holds a stream of is OFFLINE.
 *
 * <p>One timer thread ticks every {@link #TICK}: it takes this master's run requests, advances
 * the jobs it runs, and every {@link #BEAT} records this master's heartbeat (a stream counts
 * only while its master's heartbeat is younger than {@link #ALIVE}). A job whose master has
 * stopped is ended by the next master that notices (its open nodes TIMED_OUT). Jobs are kept
 * in the store for {@link #KEPT}. Thread-safe.
 */
public final class Jobs implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(200);
  static final Duration BEAT = Duration.ofSeconds(2);
  static final Duration ALIVE = Duration.ofSeconds(10);
  static final Duration KEPT = Duration.ofDays(30);
  /** How long a master that stopped without saying so stays in the store's list. */
  private static final Duration FORGOTTEN = Duration.ofDays(1);
  private static final Set<JobNodeState> WAITING = EnumSet.of(JobNodeState.TRIGGERED);
  private static final Set<JobNodeState> OPEN =
      EnumSet.of(JobNodeState.QUEUED, JobNodeState.TRIGGERED);
  private static final Set<JobNodeState> NOT_ASKED = EnumSet.of(JobNodeState.QUEUED);
  private static final Logger LOG = Logger.getLogger(Jobs.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JobStore store;
  private final ConnectedAgents agents;
  private final Clock clock;
  private final String master;
  private final ScheduledExecutorService timer;
  /** The jobs this master runs and has not finished. */
  private final Map<String, Job> running = new ConcurrentHashMap<>();
  /** The nodes whose streams this master has recorded in the store as its own. */
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();
  private long lastBeatMs;
  private long lastSweepMs;

  /**
   * Records this master (a new id each start) as alive and starts the timer.
   *
   * @throws StoreException when the store cannot be written
   */
  public Jobs(JobStore store, ConnectedAgents agents, Clock clock) {
    this.store = store;
    this.agents = agents;
    this.clock = clock;
    this.master = newId();
    store.masterAlive(master, clock.millis());
    this.lastBeatMs = clock.millis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stead-jobs");
      t.setDaemon(true);
      return t;
    });
    agents.onConnect(this::connected);
    agents.onDisconnect(this::disconnected);
    timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info(() -> "runs on demand: this master's id is " + master);
  }

  /** This master's id for this start, as jobs and the store name it. */
  public String masterId() {
    return master;
  }

  /**
   * Starts a job over the nodes matching {@code spec.nodes()} among {@code known} (the nodes
   * the store has heard of) and those with a stream on any live master; {@code watcher} (may be
   * null) hears it from the start.
   *
   * @throws NoSuchElementException when no node matches
   */
  public JobStatus start(JobSpec spec, Collection<String> known, String startedBy,
      JobWatcher watcher) {
    Pattern glob = Globs.compile(spec.nodes());
    Map<String, String> holders = store.streamHolders(clock.millis() - ALIVE.toMillis());
    Set<String> matched = new TreeSet<>();
    for (Collection<String> names : List.of(known, holders.keySet(), agents.nodes())) {
      names.stream().filter(n -> glob.matcher(n).matches()).forEach(matched::add);
    }
    if (matched.isEmpty()) {
      throw new NoSuchElementException("no node matches '" + spec.nodes() + "'");
    }
    long now = clock.millis();
    JobStatus.Builder started = JobStatus.newBuilder().setId(newId()).setNodes(spec.nodes())
        .setNoop(spec.noop()).setBatch(spec.batch()).setTimeoutMs(spec.timeout().toMillis())
        .setStartedAtMs(now).setStartedBy(startedBy).setMaster(master);
    int offline = 0;
    for (String node : matched) {
      if (online(node, holders)) {
        started.addNodeStates(state(node, JobNodeState.QUEUED, "", now));
      } else {
        started.addNodeStates(state(node, JobNodeState.OFFLINE, "not connected to any master",
            now));
        offline++;
      }
    }
    JobStatus status = started.build();
    store.createJob(status);
    Job job = new Job(spec, status);
    if (watcher != null) {
      job.watch(watcher, status);
    }
    running.put(job.id(), job);
    int offlineNodes = offline;
    LOG.info(() -> "job " + job.id() + " started by " + startedBy + ": nodes='" + spec.nodes()
        + "' noop=" + spec.noop() + " batch=" + spec.batch() + " timeout="
        + human(spec.timeout()) + "; " + (matched.size() - offlineNodes) + " connected, "
        + offlineNodes + " offline");
    timer.execute(() -> guarded("advancing job " + job.id(), () -> advance(job)));
    return status;
  }

  /** A node counts as online when a live master holds its stream (for ours: still valid). */
  private boolean online(String node, Map<String, String> holders) {
    String holder = holders.get(node);
    if (holder == null || holder.equals(master)) {
      return agents.isConnected(node);
    }
    return true;
  }

  /** The job as the store holds it now, from whichever master ran it. */
  public Optional<JobStatus> status(String id) {
    return store.job(id);
  }

  /** Stops telling {@code watcher} about job {@code id} (its client left; the job goes on). */
  public void unwatch(String id, JobWatcher watcher) {
    Job job = running.get(id);
    if (job != null) {
      job.unwatch(watcher);
    }
  }

  /** A stored report: when a job waits for it, that node has reported. */
  public void reported(Report report) {
    if (report.getJobId().isEmpty()) {
      return;
    }
    int pending = report.getNoop() ? report.getSummary().getOutOfSync() : 0;
    JobNode reported = state(report.getNode(), JobNodeState.REPORTED, report.getError(),
        clock.millis()).toBuilder().setReportId(report.getId()).setStatus(report.getStatus())
        .setChanged(report.getSummary().getChanged()).setFailed(report.getSummary().getFailed())
        .setDriftEvents(report.getSummary().getDriftEvents()).setPending(pending).build();
    store.moveJobNode(report.getJobId(), reported, WAITING);
  }

  private void connected(String node) {
    try {
      store.holdStream(node, master);
      recorded.add(node);
    } catch (StoreException e) {
      // The next heartbeat records it again.
      LOG.warning("cannot record the stream of " + node + ": " + e.getMessage());
    }
  }

  private void disconnected(String node) {
    try {
      recorded.remove(node);
      store.releaseStream(node, master);
    } catch (StoreException e) {
      LOG.warning("cannot forget the stream of " + node + ": " + e.getMessage());
    }
    try {
      timer.execute(() -> guarded("ending the runs " + node + " was asked for", () -> {
        long now = clock.millis();
        for (String id : store.jobsWaitingFor(node)) {
          store.moveJobNode(id, state(node, JobNodeState.DISCONNECTED,
              "its stream to the master ended before it reported", now), WAITING);
        }
      }));
    } catch (RejectedExecutionException e) {
      // This master is stopping: it has ended its jobs; another master's job times out.
    }
  }

  /** Timer thread only. */
  private void tick() {
    long now = clock.millis();
    if (now - lastBeatMs >= BEAT.toMillis()) {
      guarded("recording this master's heartbeat", this::beat);
    }
    for (Job job : List.copyOf(running.values())) {
      guarded("advancing job " + job.id(), () -> advance(job));
    }
    guarded("delivering run requests", this::deliver);
    if (now - lastSweepMs >= ALIVE.toMillis()) {
      lastSweepMs = now;
      guarded("ending the jobs of stopped masters", this::sweep);
    }
  }

  private void beat() {
    long now = clock.millis();
    store.masterAlive(master, now);
    lastBeatMs = now;
    // A stream that connected while its record was being removed is recorded again.
    for (String node : agents.nodes()) {
      if (!recorded.contains(node)) {
        store.holdStream(node, master);
        recorded.add(node);
      }
    }
  }

  /** Pushes the runs other masters (or this one) asked of the streams this master holds. */
  private void deliver() {
    for (RunRequest request : store.takeRunRequests(master)) {
      RunNow run = RunNow.newBuilder().setJobId(request.getJobId()).setNoop(request.getNoop())
          .build();
      // The node was asked because its stream was held: a stream that ended before the
      // request reached it ended after the node was asked, as one that ends after delivery.
      if (!agents.push(request.getNode(), run)) {
        store.moveJobNode(request.getJobId(), state(request.getNode(),
            JobNodeState.DISCONNECTED, "its stream to the master ended before it reported",
            clock.millis()), WAITING);
      }
    }
  }

  /** When the current batch is over: asks the next one, or ends the job. Timer thread only. */
  private void advance(Job job) {
    Optional<JobStatus> read = store.job(job.id());
    if (read.isEmpty()) {
      running.remove(job.id());
      return;
    }
    job.observe(read.get());
    while (!job.isDone()) {
      long now = clock.millis();
      if (job.batchOver()) {
        if (!job.queued()) {
          store.finishJob(job.id());
          running.remove(job.id());
          job.finish(store.job(job.id()).orElse(read.get()));
          LOG.info(() -> "job " + job.id() + " done");
          return;
        }
        ask(job, job.nextBatch(now + job.spec().timeout().toMillis()), now);
      } else if (now >= job.batchDeadlineMs()) {
        for (String node : job.batch()) {
          store.moveJobNode(job.id(), state(node, JobNodeState.TIMED_OUT, "no report within "
              + human(job.spec().timeout()), now), OPEN);
        }
      } else {
        return;
      }
      job.observe(store.job(job.id()).orElse(read.get()));
    }
  }

  private void ask(Job job, List<String> batch, long now) {
    Map<String, String> holders = store.streamHolders(now - ALIVE.toMillis());
    for (String node : batch) {
      String holder = holders.get(node);
      if (holder == null) {
        holder = agents.isConnected(node) ? master : null;
      }
      if (holder == null) {
        store.moveJobNode(job.id(), state(node, JobNodeState.OFFLINE,
            "not connected to any master", now), NOT_ASKED);
        continue;
      }
      RunRequest request = RunRequest.newBuilder().setJobId(job.id()).setNode(node)
          .setNoop(job.spec().noop()).setMaster(holder).setRequestedAtMs(now).build();
      Optional<String> busy = store.requestRun(request,
          state(node, JobNodeState.TRIGGERED, "", now));
      busy.ifPresent(other -> store.moveJobNode(job.id(), state(node, JobNodeState.BUSY,
          "running a run job " + other + " asked for", now), NOT_ASKED));
    }
  }

  /**
   * Ends the jobs whose master stopped (its heartbeat is older than {@link #ALIVE}), forgets
   * masters silent for a day and jobs older than {@link #KEPT}.
   */
  private void sweep() {
    long now = clock.millis();
    Map<String, Long> masters = store.streamMasters();
    for (JobStatus job : store.unfinishedJobs()) {
      Long beat = masters.get(job.getMaster());
      if (job.getMaster().equals(master) || beat != null && beat >= now - ALIVE.toMillis()) {
        continue;
      }
      abandon(job.getId(), job.getMaster());
      LOG.info(() -> "job " + job.getId() + " ended: its master " + job.getMaster()
          + " stopped");
    }
    masters.forEach((id, beat) -> {
      if (!id.equals(master) && beat < now - FORGOTTEN.toMillis()) {
        store.forgetMaster(id);
      }
    });
    store.forgetJobs(now - KEPT.toMillis());
  }

  /** Ends a job whose master stops: its open nodes TIMED_OUT, then done. */
  private void abandon(String id, String by) {
    Optional<JobStatus> job = store.job(id);
    if (job.isEmpty()) {
      return;
    }
    long now = clock.millis();
    for (JobNode node : job.get().getNodeStatesList()) {
      store.moveJobNode(id, state(node.getNode(), JobNodeState.TIMED_OUT,
          "the master running the job (" + by + ") stopped", now), OPEN);
    }
    store.finishJob(id);
  }

  private static void guarded(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      // The store is away for a moment, most likely: the next tick tries again.
      LOG.log(Level.WARNING, what + " failed: " + e.getMessage(), e);
    }
  }

  private static JobNode state(String node, JobNodeState state, String detail, long atMs) {
    return JobNode.newBuilder().setNode(node).setState(state).setDetail(detail).setAtMs(atMs)
        .build();
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return d.toMillis() + " ms";
    }
    if (s < 60 || s % 60 != 0) {
      return s + " s";
    }
    return s / 60 + " min";
  }

  /**
   * Stops the timer, ends the jobs this master runs (their open nodes TIMED_OUT) and removes
   * this master and its streams from the store, so other masters see its nodes offline at once.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Job job : List.copyOf(running.values())) {
      guarded("ending job " + job.id(), () -> {
        abandon(job.id(), master);
        JobStatus ended = store.job(job.id()).orElseThrow();
        job.observe(ended);
        job.finish(ended);
      });
    }
    running.clear();
    guarded("removing this master from the store", () -> store.forgetMaster(master));
  }
}
