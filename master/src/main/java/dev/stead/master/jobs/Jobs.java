package dev.stead.master.jobs;

import dev.stead.master.fleet.Globs;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunNow;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs on demand: starts jobs, asks their nodes batch by batch over the agents' streams
 * ({@link ConnectedAgents}) and follows each node to an end — its report (by the report's
 * {@code job_id}), its stream ending, or the job's timeout — so a job always ends. A node that
 * another job is still waiting for is BUSY, not asked twice. Jobs live in memory only (the
 * last {@value #KEPT} are kept): a master restart forgets them, and the runs they asked for
 * still report as ordinary runs. Thread-safe; the batches advance on one timer thread.
 */
public final class Jobs implements AutoCloseable {
  static final int KEPT = 100;
  private static final Logger LOG = Logger.getLogger(Jobs.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConnectedAgents agents;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  /** Oldest first. */
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  /** Node → the job waiting for its report. */
  private final Map<String, String> waiting = new ConcurrentHashMap<>();

  public Jobs(ConnectedAgents agents, Clock clock) {
    this.agents = agents;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stead-jobs");
      t.setDaemon(true);
      return t;
    });
    agents.onDisconnect(this::disconnected);
  }

  /**
   * Starts a job over the nodes matching {@code spec.nodes()} among {@code known} (the nodes
   * the master has heard of) and those connected now; {@code watcher} (may be null) hears it
   * from the start.
   *
   * @throws NoSuchElementException when no node matches
   */
  public JobStatus start(JobSpec spec, Collection<String> known, String startedBy,
      JobWatcher watcher) {
    Pattern glob = Globs.compile(spec.nodes());
    Set<String> connectedNow = agents.nodes();
    Set<String> matched = new TreeSet<>();
    for (String node : known) {
      if (glob.matcher(node).matches()) {
        matched.add(node);
      }
    }
    for (String node : connectedNow) {
      if (glob.matcher(node).matches()) {
        matched.add(node);
      }
    }
    if (matched.isEmpty()) {
      throw new NoSuchElementException("no node matches '" + spec.nodes() + "'");
    }
    List<String> connected = new ArrayList<>();
    List<String> offline = new ArrayList<>();
    for (String node : matched) {
      (connectedNow.contains(node) ? connected : offline).add(node);
    }
    Job job = new Job(newId(), spec, startedBy, clock, connected, offline);
    synchronized (jobs) {
      jobs.put(job.id(), job);
      forgetOld();
    }
    JobStatus status = watcher == null ? job.status() : job.watch(watcher);
    LOG.info(() -> "job " + job.id() + " started by " + startedBy + ": nodes='" + spec.nodes()
        + "' noop=" + spec.noop() + " batch=" + spec.batch() + " timeout="
        + human(spec.timeout()) + "; " + connected.size() + " connected, " + offline.size()
        + " offline");
    timer.execute(() -> advance(job));
    return status;
  }

  public Optional<JobStatus> status(String id) {
    return job(id).map(Job::status);
  }

  /** Stops telling {@code watcher} about job {@code id} (its client left; the job goes on). */
  public void unwatch(String id, JobWatcher watcher) {
    job(id).ifPresent(j -> j.unwatch(watcher));
  }

  /** A stored report: when it belongs to a job that waits for it, that node is done. */
  public void reported(Report report) {
    if (report.getJobId().isEmpty()) {
      return;
    }
    job(report.getJobId()).ifPresent(job -> {
      if (job.reported(report)) {
        waiting.remove(report.getNode(), job.id());
        timer.execute(() -> advance(job));
      }
    });
  }

  private void disconnected(String node) {
    String id = waiting.get(node);
    if (id == null) {
      return;
    }
    job(id).ifPresent(job -> {
      if (job.stateOf(node) == JobNodeState.TRIGGERED && job.move(node,
          JobNodeState.DISCONNECTED, "its stream to the master ended before it reported")) {
        waiting.remove(node, id);
        timer.execute(() -> advance(job));
      }
    });
  }

  /** When the current batch is over: asks the next one, or ends the job. Timer thread only. */
  private void advance(Job job) {
    while (!job.isDone() && job.batchOver()) {
      if (!job.queued()) {
        job.finish();
        LOG.info(() -> "job " + job.id() + " done");
        return;
      }
      List<String> batch = job.nextBatch();
      RunNow run = RunNow.newBuilder().setJobId(job.id()).setNoop(job.spec().noop()).build();
      for (String node : batch) {
        String other = waiting.putIfAbsent(node, job.id());
        if (other != null) {
          job.move(node, JobNodeState.BUSY, "running a run job " + other + " asked for");
        } else if (agents.push(node, run)) {
          job.move(node, JobNodeState.TRIGGERED, "");
        } else {
          waiting.remove(node, job.id());
          job.move(node, JobNodeState.OFFLINE, "not connected to the master");
        }
      }
      timer.schedule(() -> {
        job.timeOut(batch).forEach(node -> waiting.remove(node, job.id()));
        advance(job);
      }, job.spec().timeout().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Optional<Job> job(String id) {
    synchronized (jobs) {
      return Optional.ofNullable(jobs.get(id));
    }
  }

  /** Keeps at most {@link #KEPT} jobs, forgetting the oldest finished ones first. */
  private void forgetOld() {
    Iterator<Job> oldest = jobs.values().iterator();
    while (jobs.size() > KEPT && oldest.hasNext()) {
      if (oldest.next().isDone()) {
        oldest.remove();
      }
    }
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

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
