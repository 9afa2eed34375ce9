package dev.stead.master.rpc;

import dev.stead.master.jobs.JobSpec;
import dev.stead.master.jobs.JobWatcher;
import dev.stead.master.jobs.Jobs;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.GetJobRequest;
import dev.stead.proto.v1.JobEvent;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobServiceGrpc;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RunJobRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@code stead job run} and {@code stead job status} (admin only, by the access policy): starts
 * a job and streams its moves to the caller until it is done. A caller that leaves stops only
 * its own stream; the job goes on.
 */
public final class JobEndpoint extends JobServiceGrpc.JobServiceImplBase {
  private final Jobs jobs;
  private final Store store;

  public JobEndpoint(Jobs jobs, Store store) {
    this.jobs = jobs;
    this.store = store;
  }

  @Override
  public void runJob(RunJobRequest request, StreamObserver<JobEvent> observer) {
    JobSpec spec;
    try {
      spec = JobSpec.of(request.getNodes(), request.getNoop(), request.getBatch(),
          request.getTimeoutMs());
    } catch (IllegalArgumentException e) {
      observer.onError(Unary.invalid(e.getMessage()));
      return;
    }
    ServerCallStreamObserver<JobEvent> call = (ServerCallStreamObserver<JobEvent>) observer;
    Forward forward = new Forward(call);
    List<String> known = store.nodes().stream().map(NodeInfo::getName).toList();
    JobStatus started;
    try {
      started = jobs.start(spec, known, Identity.current().commonName(), forward);
    } catch (NoSuchElementException e) {
      observer.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    call.setOnCancelHandler(() -> jobs.unwatch(started.getId(), forward));
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<JobStatus> observer) {
    Unary.respond(observer, "reading job '" + request.getId() + "'",
        () -> jobs.status(request.getId()).orElseThrow(() -> Status.NOT_FOUND
            .withDescription("no job '" + request.getId() + "' in the store (jobs are kept "
                + "for 30 days)").asRuntimeException()));
  }

  /** Writes a job's moves to one caller; stops quietly once the caller has gone. */
  private static final class Forward implements JobWatcher {
    private final ServerCallStreamObserver<JobEvent> call;
    private boolean gone;

    Forward(ServerCallStreamObserver<JobEvent> call) {
      this.call = call;
    }

    @Override
    public void started(JobStatus status) {
      send(JobEvent.newBuilder().setStarted(status).build());
    }

    @Override
    public void moved(JobNode node) {
      send(JobEvent.newBuilder().setNode(node).build());
    }

    @Override
    public void done(JobStatus status) {
      if (!gone && !call.isCancelled()) {
        try {
          call.onCompleted();
        } catch (RuntimeException e) {
          gone = true;
        }
      }
    }

    private void send(JobEvent event) {
      if (gone || call.isCancelled()) {
        gone = true;
        return;
      }
      try {
        call.onNext(event);
      } catch (RuntimeException e) {
        gone = true;
      }
    }
  }
}
