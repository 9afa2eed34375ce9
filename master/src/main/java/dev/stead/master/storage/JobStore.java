package dev.stead.master.storage;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs on demand as every master sharing the store sees them: jobs and each node's state in
 * them, the run requests waiting for the master that holds a node's stream, which master holds
 * which stream, and the masters' heartbeats. Thread-safe; every write is durable before the
 * method returns, and the conditional ones ({@link #moveJobNode}, {@link #requestRun}) are
 * atomic across masters.
 *
 * <p>Times are the callers' clocks in ms since the epoch; masters sharing a store are expected
 * to keep their clocks within a second or so of each other.
 */
public interface JobStore {

  /**
   * Stores a new job: its fields, and each of {@code job.getNodeStatesList()} as that node's
   * first state.
   *
   * @throws IllegalArgumentException when the job has no id or no master, or a job with the
   *     id exists
   */
  void createJob(JobStatus job);

  /** The job with its nodes' states sorted by node name; empty when unknown. */
  Optional<JobStatus> job(String id);

  /** The jobs not done yet, without their nodes' states, oldest first. */
  List<JobStatus> unfinishedJobs();

  /**
   * Replaces the state of {@code next.getNode()} in job {@code jobId} with {@code next} when
   * its state now is one of {@code from}; false (nothing written) otherwise, or when the job
   * has no such node.
   */
  boolean moveJobNode(String jobId, JobNode next, Set<JobNodeState> from);

  /** Marks the job done (nothing when unknown). */
  void finishJob(String id);

  /** The ids of the jobs in which {@code node} is TRIGGERED. */
  List<String> jobsWaitingFor(String node);

  /**
   * Asks for a run: when no other job has {@code request.getNode()} TRIGGERED, and the node is
   * QUEUED in {@code request.getJobId()}, moves it to {@code triggered} and keeps
   * {@code request} for {@code request.getMaster()} to take, in one step.
   *
   * @return the id of the other job that waits for the node (nothing was written), or empty
   */
  Optional<String> requestRun(RunRequest request, JobNode triggered);

  /** Removes and returns the run requests kept for {@code master}, oldest first. */
  List<RunRequest> takeRunRequests(String master);

  /** Records that {@code master} is alive at {@code nowMs}. */
  void masterAlive(String master, long nowMs);

  /** Each master's last heartbeat as a holder of streams, by master id. */
  Map<String, Long> streamMasters();

  /** Records that {@code master} holds {@code node}'s stream (replacing any other holder). */
  void holdStream(String node, String master);

  /** Forgets that {@code master} holds {@code node}'s stream (nothing when another does). */
  void releaseStream(String node, String master);

  /**
   * The nodes whose stream a master holds, node → master, counting only masters whose last
   * heartbeat is at or after {@code aliveSinceMs}.
   */
  Map<String, String> streamHolders(long aliveSinceMs);

  /** Forgets {@code master}: its heartbeat, the streams it held and its run requests. */
  void forgetMaster(String master);

  /** Deletes the done jobs started before {@code startedBeforeMs}; returns how many. */
  int forgetJobs(long startedBeforeMs);
}
