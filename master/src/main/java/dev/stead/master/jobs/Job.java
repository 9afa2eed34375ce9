package dev.stead.master.jobs;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.Report;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One job's nodes and where each stands. A node moves QUEUED → TRIGGERED → one end
 * (REPORTED, DISCONNECTED, TIMED_OUT), or straight to OFFLINE or BUSY; an end is final. Each
 * move is told to the watchers in order. Thread-safe (one lock per job); {@link Jobs} drives
 * the batches.
 */
final class Job {
  private final String id;
  private final JobSpec spec;
  private final String startedBy;
  private final long startedAtMs;
  private final Clock clock;
  private final Map<String, JobNode> nodes = new TreeMap<>();
  private final List<JobWatcher> watchers = new ArrayList<>();
  /** The nodes not yet asked, in name order. */
  private final List<String> queue = new ArrayList<>();
  private List<String> batch = List.of();
  private boolean done;

  Job(String id, JobSpec spec, String startedBy, Clock clock, List<String> connected,
      List<String> offline) {
    this.id = id;
    this.spec = spec;
    this.startedBy = startedBy;
    this.clock = clock;
    this.startedAtMs = clock.millis();
    for (String node : connected) {
      nodes.put(node, state(node, JobNodeState.QUEUED, ""));
      queue.add(node);
    }
    for (String node : offline) {
      nodes.put(node, state(node, JobNodeState.OFFLINE, "not connected to the master"));
    }
    queue.sort(null);
  }

  String id() {
    return id;
  }

  JobSpec spec() {
    return spec;
  }

  /** Adds a watcher: it hears the status now, then each move. */
  synchronized JobStatus watch(JobWatcher watcher) {
    JobStatus now = status();
    watcher.started(now);
    if (done) {
      watcher.done(now);
    } else {
      watchers.add(watcher);
    }
    return now;
  }

  synchronized void unwatch(JobWatcher watcher) {
    watchers.remove(watcher);
  }

  synchronized JobStatus status() {
    return JobStatus.newBuilder().setId(id).setNodes(spec.nodes()).setNoop(spec.noop())
        .setBatch(spec.batch()).setTimeoutMs(spec.timeout().toMillis())
        .setStartedAtMs(startedAtMs).setStartedBy(startedBy).setDone(done)
        .addAllNodeStates(nodes.values()).build();
  }

  synchronized boolean isDone() {
    return done;
  }

  /** Takes the next batch off the queue (empty when none is left). */
  synchronized List<String> nextBatch() {
    List<String> next = new ArrayList<>(queue.subList(0, Math.min(spec.batch(), queue.size())));
    queue.subList(0, next.size()).clear();
    batch = List.copyOf(next);
    return batch;
  }

  /** Moves a node that has no end yet to {@code state}; false when it has one (or is there). */
  synchronized boolean move(String node, JobNodeState state, String detail) {
    JobNode now = nodes.get(node);
    if (now == null || isEnd(now.getState()) || now.getState() == state) {
      return false;
    }
    return record(state(node, state, detail));
  }

  /** The run's report arrived; false when the node was not waited for. */
  synchronized boolean reported(Report report) {
    JobNode now = nodes.get(report.getNode());
    if (now == null || now.getState() != JobNodeState.TRIGGERED) {
      return false;
    }
    int pending = report.getNoop() ? report.getSummary().getOutOfSync() : 0;
    return record(state(report.getNode(), JobNodeState.REPORTED, report.getError()).toBuilder()
        .setReportId(report.getId()).setStatus(report.getStatus())
        .setChanged(report.getSummary().getChanged()).setFailed(report.getSummary().getFailed())
        .setDriftEvents(report.getSummary().getDriftEvents()).setPending(pending).build());
  }

  /** The batch's time is up: its nodes still running are TIMED_OUT; returns them. */
  synchronized List<String> timeOut(List<String> of) {
    List<String> late = new ArrayList<>();
    for (String node : of) {
      if (nodes.get(node).getState() == JobNodeState.TRIGGERED
          && record(state(node, JobNodeState.TIMED_OUT, "no report within "
              + Jobs.human(spec.timeout())))) {
        late.add(node);
      }
    }
    return late;
  }

  /** Whether every node of the current batch has an end. */
  synchronized boolean batchOver() {
    return batch.stream().allMatch(n -> isEnd(nodes.get(n).getState()));
  }

  /** Whether nodes are left to ask. */
  synchronized boolean queued() {
    return !queue.isEmpty();
  }

  /** Marks the job done and tells the watchers; once. */
  synchronized void finish() {
    if (done) {
      return;
    }
    done = true;
    JobStatus status = status();
    List.copyOf(watchers).forEach(w -> w.done(status));
    watchers.clear();
  }

  synchronized JobNodeState stateOf(String node) {
    JobNode n = nodes.get(node);
    return n == null ? JobNodeState.JOB_NODE_STATE_UNSPECIFIED : n.getState();
  }

  private boolean record(JobNode next) {
    nodes.put(next.getNode(), next);
    List.copyOf(watchers).forEach(w -> w.moved(next));
    return true;
  }

  private JobNode state(String node, JobNodeState state, String detail) {
    return JobNode.newBuilder().setNode(node).setState(state).setDetail(detail)
        .setAtMs(clock.millis()).build();
  }

  static boolean isEnd(JobNodeState state) {
    return state != JobNodeState.QUEUED && state != JobNodeState.TRIGGERED;
  }
}
