package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.storage.RocksStore;
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
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubscribeRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs outlive their master on the embedded store: a master that stops ends the jobs it runs
 * (their waiting nodes timed out, saying why) and, started again, still answers for them; a job
 * left unfinished by a master that died without a word is ended by the next master to start.
 */
class JobsRestartTest {
  private static final CatalogSource SOURCE = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  @TempDir Path data;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Master master;

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
    if (master != null) {
      master.close();
    }
  }

  private Master start() throws Exception {
    return Master.builder(new MasterConfig(data, data, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource(SOURCE).start();
  }

  private ManagedChannel admin() throws Exception {
    ManagedChannel channel = TestPki.channel(master.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")),
        Pem.readPrivateKey(data.resolve("admin/key.pem")),
        Pem.readCertificate(data.resolve("admin/cert.pem")));
    channels.add(channel);
    return channel;
  }

  private JobStatus job(String id) throws Exception {
    return JobServiceGrpc.newBlockingStub(admin()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getJob(GetJobRequest.newBuilder().setId(id).build());
  }

  @Test
  void aStoppedMasterEndsItsJobsAndStillKnowsThemAfterARestart() throws Exception {
    master = start();
    X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
    KeyPair key = TestPki.ecKey();
    ManagedChannel anonymous = TestPki.channel(master.port(), ca, null, null);
    channels.add(anonymous);
    CertificateStatus signed = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname("slow.test")
            .setCsrPem(TestPki.csr("slow.test", key)).build());
    ManagedChannel node = TestPki.channel(master.port(), ca, key.getPrivate(),
        Pem.parseCertificate(signed.getCertificatePem()));
    channels.add(node);
    BlockingQueue<AgentCommand> commands = new LinkedBlockingQueue<>();
    CommandServiceGrpc.newStub(node).subscribe(SubscribeRequest.newBuilder()
        .setNode("slow.test").build(), new StreamObserver<>() {
          @Override
          public void onNext(AgentCommand command) {
            commands.add(command);
          }

          @Override
          public void onError(Throwable t) { }

          @Override
          public void onCompleted() { }
        });
    assertThat(commands.poll(10, TimeUnit.SECONDS)).isNotNull(); // subscribed
    Iterator<JobEvent> events = JobServiceGrpc.newBlockingStub(admin())
        .withDeadlineAfter(30, TimeUnit.SECONDS).runJob(RunJobRequest.newBuilder()
            .setNodes("slow.test").setTimeoutMs(600_000).build());
    String id = events.next().getStarted().getId();
    assertThat(events.next().getNode().getState()).isEqualTo(JobNodeState.TRIGGERED);
    assertThat(commands.poll(10, TimeUnit.SECONDS).getRunNow().getJobId()).isEqualTo(id);

    master.close();
    // Its watcher heard the end before the stream closed.
    JobNode ended = events.next().getNode();
    assertThat(ended.getState()).isEqualTo(JobNodeState.TIMED_OUT);
    assertThat(ended.getDetail()).startsWith("the master running the job (").endsWith(") stopped");
    master = start();

    JobStatus after = job(id);
    assertThat(after.getDone()).isTrue();
    assertThat(after.getNodeStates(0).getState()).isEqualTo(JobNodeState.TIMED_OUT);
    assertThat(after.getStartedBy()).isEqualTo("stead-admin");
  }

  @Test
  void aJobLeftByAMasterThatDiedIsEndedByTheNextOne() throws Exception {
    try (RocksStore store = RocksStore.open(data.resolve("db"))) {
      store.masterAlive("died", System.currentTimeMillis() - 3_600_000);
      store.createJob(JobStatus.newBuilder().setId("left").setNodes("web*").setBatch(10)
          .setTimeoutMs(600_000).setStartedAtMs(System.currentTimeMillis() - 3_600_000)
          .setStartedBy("stead-admin").setMaster("died")
          .addNodeStates(JobNode.newBuilder().setNode("web1").setState(JobNodeState.TRIGGERED))
          .addNodeStates(JobNode.newBuilder().setNode("web2").setState(JobNodeState.REPORTED))
          .build());
    }
    master = start();

    JobStatus ended = job("left");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!ended.getDone() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      ended = job("left");
    }
    assertThat(ended.getDone()).isTrue();
    assertThat(ended.getNodeStatesList()).extracting(JobNode::getState)
        .containsExactly(JobNodeState.TIMED_OUT, JobNodeState.REPORTED);
    assertThat(ended.getNodeStates(0).getDetail())
        .isEqualTo("the master running the job (died) stopped");
  }
}
