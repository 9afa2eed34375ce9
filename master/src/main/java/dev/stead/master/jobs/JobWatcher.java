package dev.stead.master.jobs;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobStatus;

/**
 * Hears one job: its status when the watch begins, then each node's move, then the end. Called
 * under the job's lock, in order, so it must not block.
 */
public interface JobWatcher {
  void started(JobStatus status);

  void moved(JobNode node);

  void done(JobStatus status);
}
