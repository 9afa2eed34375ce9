package dev.stead.master.jobs;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job this master runs: the nodes still to ask, the batch asked now and its deadline, and
 * what its watchers have been told. The nodes' states themselves live in the store, where
 * other masters move them; {@link #observe} compares a fresh read with what was told and tells
 * the watchers each move, in the order the moves happened. A node moves QUEUED → TRIGGERED →
 * one end (REPORTED, DISCONNECTED, TIMED_OUT), or straight to OFFLINE or BUSY; an end is
 * final. Thread-safe (one lock per job); {@link Jobs} drives the batches on its timer thread.
 */
final class Job {
  private final String id;
  private final JobSpec spec;
  private final Map<String, JobNode> told = new HashMap<>();
  private final List<JobWatcher> watchers = new ArrayList<>();
  /** The nodes not yet asked, in name order. */
  private final List<String> queue = new ArrayList<>();
  private List<String> batch = List.of();
  private long batchDeadlineMs;
  private boolean done;

  Job(JobSpec spec, JobStatus started) {
    this.id = started.getId();
    this.spec = spec;
    for (JobNode node : started.getNodeStatesList()) {
      told.put(node.getNode(), node);
      if (node.getState() == JobNodeState.QUEUED) {
        queue.add(node.getNode());
      }
    }
    queue.sort(null);
  }

  String id() {
    return id;
  }

  JobSpec spec() {
    return spec;
  }

  /** Adds a watcher: it hears {@code now}, then each move. */
  synchronized void watch(JobWatcher watcher, JobStatus now) {
    watcher.started(now);
    if (done) {
      watcher.done(now);
    } else {
      watchers.add(watcher);
    }
  }

  synchronized void unwatch(JobWatcher watcher) {
    watchers.remove(watcher);
  }

  synchronized boolean isDone() {
    return done;
  }

  /** Tells the watchers every node whose state in {@code now} differs from what they heard. */
  synchronized void observe(JobStatus now) {
    List<JobNode> moved = new ArrayList<>();
    for (JobNode node : now.getNodeStatesList()) {
      JobNode before = told.get(node.getNode());
      if (before == null || before.getState() != node.getState()) {
        moved.add(node);
      }
    }
    moved.sort(Comparator.comparingLong(JobNode::getAtMs).thenComparing(JobNode::getNode));
    for (JobNode node : moved) {
      told.put(node.getNode(), node);
      List.copyOf(watchers).forEach(w -> w.moved(node));
    }
  }

  /** Takes the next batch off the queue (empty when none is left); it ends by the deadline. */
  synchronized List<String> nextBatch(long deadlineMs) {
    List<String> next = new ArrayList<>(queue.subList(0, Math.min(spec.batch(), queue.size())));
    queue.subList(0, next.size()).clear();
    batch = List.copyOf(next);
    batchDeadlineMs = deadlineMs;
    return batch;
  }

  synchronized List<String> batch() {
    return batch;
  }

  synchronized long batchDeadlineMs() {
    return batchDeadlineMs;
  }

  /** Whether every node of the current batch has an end, as last observed. */
  synchronized boolean batchOver() {
    return batch.stream().allMatch(n -> isEnd(told.get(n).getState()));
  }

  /** Whether nodes are left to ask. */
  synchronized boolean queued() {
    return !queue.isEmpty();
  }

  /** Marks the job done and tells the watchers {@code status}; once. */
  synchronized void finish(JobStatus status) {
    if (done) {
      return;
    }
    done = true;
    List.copyOf(watchers).forEach(w -> w.done(status));
    watchers.clear();
  }

  static boolean isEnd(JobNodeState state) {
    return state != JobNodeState.QUEUED && state != JobNodeState.TRIGGERED;
  }
}
