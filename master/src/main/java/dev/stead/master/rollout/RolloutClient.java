package dev.stead.master.rollout;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutActionRequest;
import dev.stead.proto.v1.RolloutServiceGrpc;
import dev.stead.proto.v1.RolloutStatusRequest;
import dev.stead.proto.v1.StartRolloutRequest;
import dev.stead.wire.CallFailures;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's side of {@code RolloutService}, over an {@link AdminClient}'s channel. Every
 * failure is an {@link IOException} with a one-line message (the master's reason). Does not
 * own the channel.
 */
public final class RolloutClient {
  /** A start copies the code; a large tree takes a while on a slow disk. */
  private static final long DEADLINE_SECONDS = 300;
  private final RolloutServiceGrpc.RolloutServiceBlockingStub stub;
  private final String target;

  public RolloutClient(AdminClient admin) {
    this.stub = RolloutServiceGrpc.newBlockingStub(admin.channel());
    this.target = admin.target();
  }

  private RolloutServiceGrpc.RolloutServiceBlockingStub stub() {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  public Rollout start(StartRolloutRequest request) throws IOException {
    return call(() -> stub().startRollout(request));
  }

  /** The newest rollout of {@code environment} (of each environment when empty). */
  public List<Rollout> status(String environment) throws IOException {
    return call(() -> stub().rolloutStatus(RolloutStatusRequest.newBuilder()
        .setEnvironment(environment).build()).getRolloutsList());
  }

  public Rollout pause(String environment) throws IOException {
    return call(() -> stub().pauseRollout(action(environment)));
  }

  public Rollout resume(String environment) throws IOException {
    return call(() -> stub().resumeRollout(action(environment)));
  }

  public Rollout abort(String environment) throws IOException {
    return call(() -> stub().abortRollout(action(environment)));
  }

  private static RolloutActionRequest action(String environment) {
    return RolloutActionRequest.newBuilder().setEnvironment(environment).build();
  }

  private interface Call<T> {
    T run();
  }

  private <T> T call(Call<T> body) throws IOException {
    try {
      return body.run();
    } catch (StatusRuntimeException e) {
      throw new IOException(CallFailures.describe(e, target), e);
    }
  }
}
