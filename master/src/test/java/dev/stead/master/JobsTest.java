package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.AgentCommand;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.CommandServiceGrpc;
import dev.stead.proto.v1.GetJobRequest;
import dev.stead.proto.v1.JobEvent;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobServiceGrpc;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.proto.v1.RunNow;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubscribeRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on demand at the master, over real mutual TLS: who may start jobs and hold a command
 * stream, and how a job follows each node to an end. The agents here are plain gRPC clients
 * speaking the agent's protocol, so each end (report, dropped stream, silence) can be made on
 * cue; the CLI's JobEndToEndTest runs the real daemon.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsTest {
  private static final CatalogSource SOURCE = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  @TempDir static Path data;
  @TempDir static Path code;
  private Master master;
  private X509Certificate ca;
  private ManagedChannel admin;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource(SOURCE).start();
    ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    admin = open(Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
  }

  @AfterAll
  void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    master.close();
  }

  private ManagedChannel open(PrivateKey key, X509Certificate cert)
      throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(), ca, key, cert);
    channels.add(channel);
    return channel;
  }

  /** A node's mutual-TLS channel (autosigned). */
  private ManagedChannel node(String name) throws Exception {
    KeyPair key = TestPki.ecKey();
    CertificateStatus status = BootstrapGrpc.newBlockingStub(open(null, null)).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname(name).setCsrPem(TestPki.csr(name, key))
            .build());
    return open(key.getPrivate(), Pem.parseCertificate(status.getCertificatePem()));
  }

  /** An agent's command stream: what the master pushed, and a way to hang up. */
  private static final class Stream {
    final BlockingQueue<AgentCommand> commands = new LinkedBlockingQueue<>();
    final BlockingQueue<Status> ended = new LinkedBlockingQueue<>();
    volatile ClientCallStreamObserver<SubscribeRequest> call;

    RunNow nextRun() throws InterruptedException {
      AgentCommand command = commands.poll(10, TimeUnit.SECONDS);
      assertThat(command).as("a command within 10 s").isNotNull();
      assertThat(command.hasRunNow()).as(command.toString()).isTrue();
      return command.getRunNow();
    }

    void hangUp() {
      call.cancel("the agent stops", null);
    }
  }

  private Stream subscribe(ManagedChannel channel, String as) throws Exception {
    Stream stream = new Stream();
    CommandServiceGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().setNode(as)
        .build(), new ClientResponseObserver<SubscribeRequest, AgentCommand>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubscribeRequest> call) {
            stream.call = call;
          }

          @Override
          public void onNext(AgentCommand command) {
            stream.commands.add(command);
          }

          @Override
          public void onError(Throwable t) {
            stream.ended.add(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            stream.ended.add(Status.OK);
          }
        });
    return stream;
  }

  /** Subscribes and waits until the master holds the stream. */
  private Stream connected(ManagedChannel channel, String as) throws Exception {
    Stream stream = subscribe(channel, as);
    AgentCommand first = stream.commands.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("the master's welcome").isNotNull();
    assertThat(first.hasSubscribed()).isTrue();
    return stream;
  }

  private static void report(ManagedChannel channel, String node, String jobId, int changed) {
    ReportServiceGrpc.newBlockingStub(channel).submitReport(SubmitReportRequest.newBuilder()
        .setReport(Report.newBuilder().setId(UUID.randomUUID().toString()).setNode(node)
            .setStartedAtMs(System.currentTimeMillis()).setJobId(jobId)
            .setStatus(changed > 0 ? RunStatus.CHANGED_RUN : RunStatus.UNCHANGED)
            .setSummary(ReportSummary.newBuilder().setResources(3).setChanged(changed)
                .setDriftEvents(changed)))
        .build());
  }

  private Iterator<JobEvent> run(String nodes, int batch, long timeoutMs) {
    return JobServiceGrpc.newBlockingStub(admin).withDeadlineAfter(30, TimeUnit.SECONDS)
        .runJob(RunJobRequest.newBuilder().setNodes(nodes).setBatch(batch)
            .setTimeoutMs(timeoutMs).build());
  }

  private static JobNode next(Iterator<JobEvent> events) {
    assertThat(events.hasNext()).isTrue();
    JobEvent event = events.next();
    assertThat(event.hasNode()).as(event.toString()).isTrue();
    return event.getNode();
  }

  /**
   * The stream ends as soon as the node is asked: before the request reaches it (the timer
   * delivers it after telling the watchers) or after. Either way the node was connected when
   * asked, and its end is "disconnected", never "offline". Repeated: the order varies.
   */
  @Test
  void aStreamEndingAsTheNodeIsAskedIsDisconnectedWhetherTheRequestReachedItOrNot()
      throws Exception {
    for (int i = 0; i < 5; i++) {
      String name = "hangup" + i + ".jobs.test";
      ManagedChannel channel = node(name);
      report(channel, name, "", 0);
      Stream stream = connected(channel, name);
      Iterator<JobEvent> events = run(name, 0, 30_000);
      assertThat(events.next().getStarted().getNodeStates(0).getState())
          .isEqualTo(JobNodeState.QUEUED);
      assertThat(next(events).getState()).isEqualTo(JobNodeState.TRIGGERED);
      stream.hangUp();
      JobNode end = next(events);
      assertThat(end.getState()).as(end.toString()).isEqualTo(JobNodeState.DISCONNECTED);
      assertThat(end.getDetail()).isEqualTo("its stream to the master ended before it reported");
    }
  }

  @Test
  void aNodeCertificateCannotStartOrReadJobs() throws Exception {
    ManagedChannel web = node("rogue.test");

    assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(web)
        .runJob(RunJobRequest.newBuilder().setNodes("*").build()).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(web)
        .getJob(GetJobRequest.newBuilder().setId("x").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void anAgentCannotSubscribeAsAnotherNode() throws Exception {
    ManagedChannel mallory = node("mallory.test");
    node("victim.test");

    Stream stolen = subscribe(mallory, "victim.test");
    Status refused = stolen.ended.poll(10, TimeUnit.SECONDS);

    assertThat(refused).isNotNull();
    assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription()).contains("mallory.test").contains("victim.test");
    assertThat(stolen.commands).isEmpty();
    // The master holds no stream for the victim: a job finds it offline, if it knows it.
    assertThatThrownBy(() -> run("victim.test", 0, 0).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void aJobFollowsEachNodeToItsEndBatchByBatch() throws Exception {
    ManagedChannel a = node("a.batch.test");
    ManagedChannel b = node("b.batch.test");
    ManagedChannel c = node("c.batch.test");
    report(c, "c.batch.test", "", 0); // known to the master, but holds no stream
    Stream streamA = connected(a, "a.batch.test");
    Stream streamB = connected(b, "b.batch.test");

    Iterator<JobEvent> events = run("*.batch.test", 1, 20_000);
    JobStatus started = events.next().getStarted();

    assertThat(started.getNodeStatesList()).extracting(JobNode::getNode, JobNode::getState)
        .containsExactly(
            Tuple.tuple("a.batch.test", JobNodeState.QUEUED),
            Tuple.tuple("b.batch.test", JobNodeState.QUEUED),
            Tuple.tuple("c.batch.test", JobNodeState.OFFLINE));
    JobNode triggered = next(events);
    assertThat(triggered.getNode()).isEqualTo("a.batch.test");
    assertThat(triggered.getState()).isEqualTo(JobNodeState.TRIGGERED);
    RunNow run = streamA.nextRun();
    assertThat(run.getJobId()).isEqualTo(started.getId());
    // One batch at a time: b is not asked while a runs.
    assertThat(streamB.commands.poll(300, TimeUnit.MILLISECONDS)).isNull();

    report(a, "a.batch.test", run.getJobId(), 2);
    JobNode reported = next(events);
    assertThat(reported.getState()).isEqualTo(JobNodeState.REPORTED);
    assertThat(reported.getChanged()).isEqualTo(2);
    assertThat(reported.getDriftEvents()).isEqualTo(2);
    assertThat(reported.getStatus()).isEqualTo(RunStatus.CHANGED_RUN);
    assertThat(reported.getReportId()).isNotEmpty();

    assertThat(next(events).getState()).isEqualTo(JobNodeState.TRIGGERED);
    streamB.nextRun();
    streamB.hangUp();
    JobNode dropped = next(events);
    assertThat(dropped.getNode()).isEqualTo("b.batch.test");
    assertThat(dropped.getState()).isEqualTo(JobNodeState.DISCONNECTED);
    assertThat(events.hasNext()).as("the job is done").isFalse();

    JobStatus after = JobServiceGrpc.newBlockingStub(admin)
        .getJob(GetJobRequest.newBuilder().setId(started.getId()).build());
    assertThat(after.getDone()).isTrue();
    assertThat(after.getStartedBy()).isEqualTo("stead-admin");
    assertThat(after.getNodeStatesList()).extracting(JobNode::getState).containsExactly(
        JobNodeState.REPORTED, JobNodeState.DISCONNECTED, JobNodeState.OFFLINE);
  }

  @Test
  void aSilentNodeTimesOutAndASecondJobFindsItBusy() throws Exception {
    ManagedChannel quiet = node("quiet.test");
    Stream stream = connected(quiet, "quiet.test");

    Iterator<JobEvent> first = run("quiet.test", 0, 1_500);
    String firstId = first.next().getStarted().getId();
    assertThat(next(first).getState()).isEqualTo(JobNodeState.TRIGGERED);
    stream.nextRun();
    Iterator<JobEvent> second = run("quiet.test", 0, 1_500);
    second.next();
    JobNode busy = next(second);
    long askedAt = System.nanoTime();

    assertThat(busy.getState()).isEqualTo(JobNodeState.BUSY);
    assertThat(busy.getDetail()).contains(firstId);
    assertThat(second.hasNext()).isFalse();
    JobNode late = next(first);
    assertThat(late.getState()).isEqualTo(JobNodeState.TIMED_OUT);
    assertThat(late.getDetail()).contains("1 s");
    assertThat(first.hasNext()).isFalse();
    assertThat((System.nanoTime() - askedAt) / 1_000_000).isLessThan(5_000);
    // A report after the job gave up changes nothing.
    report(quiet, "quiet.test", firstId, 1);
    assertThat(JobServiceGrpc.newBlockingStub(admin).getJob(GetJobRequest.newBuilder()
        .setId(firstId).build()).getNodeStates(0).getState()).isEqualTo(JobNodeState.TIMED_OUT);
  }

  @Test
  void aStreamOpenedBeforeItsCertificateWasRevokedIsEndedNotUsed() throws Exception {
    ManagedChannel gone = node("revoked.jobs.test");
    report(gone, "revoked.jobs.test", "", 0);
    Stream stream = connected(gone, "revoked.jobs.test");
    AdminServiceGrpc.newBlockingStub(admin).revokeCertificate(
        RevokeCertificateRequest.newBuilder()
            .setCertname("revoked.jobs.test").build());

    Iterator<JobEvent> events = run("revoked.jobs.test", 0, 5_000);

    assertThat(events.next().getStarted().getNodeStates(0).getState())
        .isEqualTo(JobNodeState.OFFLINE);
    assertThat(events.hasNext()).isFalse();
    Status ended = stream.ended.poll(10, TimeUnit.SECONDS);
    assertThat(ended).isNotNull();
    assertThat(ended.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stream.commands).isEmpty();
  }

  @Test
  void badRequestsAreRefusedClearly() {
    assertThatThrownBy(() -> run("nothing-like-this-*", 0, 0).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("no node matches");
        });
    assertThatThrownBy(() -> run("*", -1, 0).hasNext())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("batch");
        });
  }
}
