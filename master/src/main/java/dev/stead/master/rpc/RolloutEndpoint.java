package dev.stead.master.rpc;

import dev.stead.master.rollout.Rollouts;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutActionRequest;
import dev.stead.proto.v1.RolloutServiceGrpc;
import dev.stead.proto.v1.RolloutStatusRequest;
import dev.stead.proto.v1.RolloutStatusResponse;
import dev.stead.proto.v1.StartRolloutRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;

/**
 * Staged rollouts for operators: start, status, pause, resume, abort. Admin certificate only
 * (see {@link AccessPolicy}). Bad input is INVALID_ARGUMENT; a rollout in the way (or none to
 * act on) is FAILED_PRECONDITION, both with the reason.
 */
public final class RolloutEndpoint extends RolloutServiceGrpc.RolloutServiceImplBase {
  private final Rollouts rollouts;

  public RolloutEndpoint(Rollouts rollouts) {
    this.rollouts = rollouts;
  }

  @Override
  public void startRollout(StartRolloutRequest request, StreamObserver<Rollout> observer) {
    respond(observer, "starting a rollout of '" + request.getEnvironment() + "'",
        () -> rollouts.start(request, Identity.current().commonName()));
  }

  @Override
  public void rolloutStatus(RolloutStatusRequest request,
      StreamObserver<RolloutStatusResponse> observer) {
    respond(observer, "reading the rollouts", () -> RolloutStatusResponse.newBuilder()
        .addAllRollouts(rollouts.status(request.getEnvironment())).build());
  }

  @Override
  public void pauseRollout(RolloutActionRequest request, StreamObserver<Rollout> observer) {
    respond(observer, "pausing a rollout", () -> rollouts.pause(request.getEnvironment(),
        Identity.current().commonName()));
  }

  @Override
  public void resumeRollout(RolloutActionRequest request, StreamObserver<Rollout> observer) {
    respond(observer, "resuming a rollout", () -> rollouts.resume(request.getEnvironment(),
        Identity.current().commonName()));
  }

  @Override
  public void abortRollout(RolloutActionRequest request, StreamObserver<Rollout> observer) {
    respond(observer, "aborting a rollout", () -> rollouts.abort(request.getEnvironment(),
        Identity.current().commonName()));
  }

  private static <T> void respond(StreamObserver<T> observer, String what, Callable<T> body) {
    Unary.respond(observer, what, () -> {
      try {
        return body.call();
      } catch (IllegalArgumentException e) {
        throw Unary.invalid(e.getMessage());
      } catch (IllegalStateException e) {
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      }
    });
  }
}
