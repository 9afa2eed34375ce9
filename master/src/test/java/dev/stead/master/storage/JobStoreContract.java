package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunRequest;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JobStore}: jobs and their nodes' states kept across a restart, moves that happen only
 * from the states named, one job at a time waiting for a node, run requests taken once by the
 * master they are for, and streams that count only while their master's heartbeat is recent.
 */
abstract class JobStoreContract extends StoreContract {

  private static JobNode node(String name, JobNodeState state, long atMs) {
    return JobNode.newBuilder().setNode(name).setState(state).setAtMs(atMs).build();
  }

  private static JobStatus job(String id, String master, long startedAt, String... queued) {
    JobStatus.Builder job = JobStatus.newBuilder().setId(id).setNodes("web*").setBatch(10)
        .setTimeoutMs(60_000).setStartedAtMs(startedAt).setStartedBy("stead-admin")
        .setMaster(master);
    for (String name : queued) {
      job.addNodeStates(node(name, JobNodeState.QUEUED, startedAt));
    }
    return job.build();
  }

  private static RunRequest request(String job, String node, String master) {
    return RunRequest.newBuilder().setJobId(job).setNode(node).setMaster(master).setNoop(true)
        .setRequestedAtMs(2_000).build();
  }

  @Test
  void aJobAndItsNodesAreKeptAcrossARestart() throws Exception {
    JobStore jobs = store;
    JobStatus started = job("j1", "master-b", 1_000, "web2", "web1").toBuilder()
        .addNodeStates(node("web3", JobNodeState.OFFLINE, 1_000)).build();
    jobs.createJob(started);
    JobNode reported = node("web1", JobNodeState.REPORTED, 3_000).toBuilder()
        .setReportId("r-1").setChanged(2).build();
    jobs.moveJobNode("j1", node("web1", JobNodeState.TRIGGERED, 2_000),
        EnumSet.of(JobNodeState.QUEUED));
    jobs.moveJobNode("j1", reported, EnumSet.of(JobNodeState.TRIGGERED));
    reopen();

    JobStatus stored = store.job("j1").orElseThrow();
    assertThat(stored.getMaster()).isEqualTo("master-b");
    assertThat(stored.getStartedBy()).isEqualTo("stead-admin");
    assertThat(stored.getDone()).isFalse();
    assertThat(stored.getNodeStatesList()).extracting(JobNode::getNode)
        .containsExactly("web1", "web2", "web3");
    assertThat(stored.getNodeStates(0)).isEqualTo(reported);
    assertThat(store.unfinishedJobs()).extracting(JobStatus::getId).containsExactly("j1");
    assertThat(store.unfinishedJobs().get(0).getNodeStatesList()).isEmpty();
    store.finishJob("j1");
    assertThat(store.job("j1").orElseThrow().getDone()).isTrue();
    assertThat(store.unfinishedJobs()).isEmpty();
    assertThat(store.job("nope")).isEmpty();
    assertThatThrownBy(() -> store.createJob(job("j1", "master-b", 1_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("j1");
  }

  @Test
  void aNodeMovesOnlyFromTheStatesNamed() {
    store.createJob(job("j1", "m", 1_000, "web1"));

    assertThat(store.moveJobNode("j1", node("web1", JobNodeState.REPORTED, 2_000),
        EnumSet.of(JobNodeState.TRIGGERED))).isFalse();
    assertThat(store.moveJobNode("j1", node("web1", JobNodeState.OFFLINE, 2_000),
        EnumSet.of(JobNodeState.QUEUED))).isTrue();
    assertThat(store.moveJobNode("j1", node("web1", JobNodeState.TIMED_OUT, 3_000),
        EnumSet.of(JobNodeState.QUEUED, JobNodeState.TRIGGERED))).isFalse();
    assertThat(store.moveJobNode("j1", node("web9", JobNodeState.OFFLINE, 2_000),
        EnumSet.of(JobNodeState.QUEUED))).isFalse();
    assertThat(store.job("j1").orElseThrow().getNodeStates(0).getState())
        .isEqualTo(JobNodeState.OFFLINE);
  }

  @Test
  void aRunRequestWaitsForItsMasterAndASecondJobFindsTheNodeBusy() {
    store.createJob(job("j1", "b", 1_000, "web1", "web2"));
    store.createJob(job("j2", "b", 1_500, "web1"));

    assertThat(store.requestRun(request("j1", "web1", "a"),
        node("web1", JobNodeState.TRIGGERED, 2_000))).isEmpty();
    assertThat(store.requestRun(request("j1", "web2", "c"),
        node("web2", JobNodeState.TRIGGERED, 2_000))).isEmpty();

    assertThat(store.job("j1").orElseThrow().getNodeStates(0).getState())
        .isEqualTo(JobNodeState.TRIGGERED);
    assertThat(store.jobsWaitingFor("web1")).containsExactly("j1");
    assertThat(store.requestRun(request("j2", "web1", "a"),
        node("web1", JobNodeState.TRIGGERED, 2_100))).contains("j1");
    assertThat(store.job("j2").orElseThrow().getNodeStates(0).getState())
        .isEqualTo(JobNodeState.QUEUED);
    assertThat(store.takeRunRequests("a")).containsExactly(request("j1", "web1", "a"));
    assertThat(store.takeRunRequests("a")).as("taken once").isEmpty();
    assertThat(store.takeRunRequests("c")).extracting(RunRequest::getNode)
        .containsExactly("web2");
    // Asked again (it is no longer QUEUED): nothing is requested twice.
    assertThat(store.requestRun(request("j1", "web2", "c"),
        node("web2", JobNodeState.TRIGGERED, 2_200))).isEmpty();
    assertThat(store.takeRunRequests("c")).isEmpty();

    store.moveJobNode("j1", node("web1", JobNodeState.REPORTED, 3_000),
        EnumSet.of(JobNodeState.TRIGGERED));
    assertThat(store.jobsWaitingFor("web1")).isEmpty();
    assertThat(store.requestRun(request("j2", "web1", "a"),
        node("web1", JobNodeState.TRIGGERED, 3_100))).isEmpty();
    assertThat(store.jobsWaitingFor("web1")).containsExactly("j2");
  }

  @Test
  void streamsCountWhileTheirMasterIsAliveAndGoWithIt() {
    store.masterAlive("a", 10_000);
    store.masterAlive("b", 4_000);
    store.holdStream("web1", "a");
    store.holdStream("web2", "b");
    store.holdStream("web3", "a");
    store.holdStream("web3", "b"); // the agent moved to b
    store.releaseStream("web3", "a"); // a notices late: b's record stays

    assertThat(store.streamMasters()).isEqualTo(Map.of("a", 10_000L, "b", 4_000L));
    assertThat(store.streamHolders(5_000)).isEqualTo(Map.of("web1", "a"));
    assertThat(store.streamHolders(0)).isEqualTo(Map.of("web1", "a", "web2", "b",
        "web3", "b"));

    store.createJob(job("j1", "a", 1_000, "web1"));
    store.requestRun(request("j1", "web1", "a"), node("web1", JobNodeState.TRIGGERED, 1));
    store.forgetMaster("a");
    assertThat(store.streamMasters()).containsOnlyKeys("b");
    assertThat(store.streamHolders(0)).isEqualTo(Map.of("web2", "b", "web3", "b"));
    assertThat(store.takeRunRequests("a")).isEmpty();
  }

  @Test
  void onlyOldFinishedJobsAreForgotten() {
    store.createJob(job("old-done", "m", 1_000, "web1"));
    store.finishJob("old-done");
    store.createJob(job("old-running", "m", 1_000, "web1"));
    store.createJob(job("new-done", "m", 9_000, "web1"));
    store.finishJob("new-done");

    assertThat(store.forgetJobs(5_000)).isEqualTo(1);

    assertThat(store.job("old-done")).isEmpty();
    assertThat(store.job("old-running")).isPresent();
    assertThat(store.job("new-done")).isPresent();
    // Its node rows went with it: the id can be used again.
    store.createJob(job("old-done", "m", 9_500, "web2"));
    assertThat(store.job("old-done").orElseThrow().getNodeStatesList())
        .extracting(JobNode::getNode).containsExactly("web2");
  }
}
