package dev.stead.master.jobs;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.GetJobRequest;
import dev.stead.proto.v1.JobEvent;
import dev.stead.proto.v1.JobServiceGrpc;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.wire.CallFailures;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operator's side of {@code JobService}, over an {@link AdminClient}'s channel. Every
 * failure is an {@link IOException} with a one-line message. Does not own the channel.
 */
public final class JobClient {
  /** Beyond the master's own timeouts, how long a following client waits before it gives up. */
  static final Duration SLACK = Duration.ofMinutes(1);
  private final JobServiceGrpc.JobServiceBlockingStub stub;
  private final String target;

  public JobClient(AdminClient admin) {
    this.stub = JobServiceGrpc.newBlockingStub(admin.channel());
    this.target = admin.target();
  }

  /**
   * Starts a job. {@code events} hears the job as started; when {@code follow}, then each
   * node's move until the job is done. The wait is bounded: the master ends every job within
   * its batches times its timeout, and the client gives up a minute after that.
   *
   * @return the job as started
   */
  public JobStatus run(RunJobRequest request, boolean follow, Consumer<JobEvent> events)
      throws IOException {
    Context.CancellableContext call = Context.current().withCancellation();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stead-job-deadline");
      t.setDaemon(true);
      return t;
    });
    try {
      return call.call(() -> {
        Iterator<JobEvent> stream = stub.runJob(request);
        JobEvent first = stream.next();
        JobStatus started = first.getStarted();
        events.accept(first);
        if (!follow) {
          return started;
        }
        long batches = Math.max(1, (started.getNodeStatesCount() + started.getBatch() - 1)
            / Math.max(1, started.getBatch()));
        long waitMs = batches * started.getTimeoutMs() + SLACK.toMillis();
        timer.schedule(() -> call.cancel(new IOException("the master sent no end of job "
            + started.getId() + " in " + waitMs / 1000 + " s")), waitMs, TimeUnit.MILLISECONDS);
        while (stream.hasNext()) {
          events.accept(stream.next());
        }
        return started;
      });
    } catch (StatusRuntimeException e) {
      if (call.isCancelled() && call.cancellationCause() instanceof IOException gaveUp) {
        throw new IOException(gaveUp.getMessage(), e);
      }
      throw new IOException(CallFailures.describe(e, target), e);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      timer.shutdownNow();
      call.cancel(null); // without --wait: leave the stream; the job goes on on the master
    }
  }

  public JobStatus status(String id) throws IOException {
    try {
      return stub.withDeadlineAfter(60, TimeUnit.SECONDS)
          .getJob(GetJobRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException e) {
      throw new IOException(CallFailures.describe(e, target), e);
    }
  }
}
