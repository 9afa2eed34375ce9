package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.CaFingerprintRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallFailuresTest {
  @Test
  void aRefusedConnectionNamesTheMasterAndTheCause() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .build();
    try {
      StatusRuntimeException e = call(channel);
      assertThat(CallFailures.describe(e, "127.0.0.1:" + port))
          .isEqualTo("cannot reach the master at 127.0.0.1:" + port + ": connection refused");
      assertThat(CallFailures.isTransient(e)).isTrue();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBusyMasterIsNamedAsBusyNotAsUnreachableAndTheFailureIsTransient() {
    StatusRuntimeException busy = Status.UNAVAILABLE.withDescription("the master is busy: 64 "
        + "catalog requests wait for a compile (4 at a time); retry in about 7 s")
        .asRuntimeException();
    assertThat(CallFailures.describe(busy, "m:8140")).isEqualTo("the master at m:8140 is busy: "
        + "64 catalog requests wait for a compile (4 at a time); retry in about 7 s");
    // The agent keeps its cached catalog and tries again at its next run.
    assertThat(CallFailures.isTransient(busy)).isTrue();
  }

  @Test
  void aRefusalIsTheMastersOwnWordsAndABareCodeNamesTheMaster() {
    assertThat(CallFailures.describe(Status.NOT_FOUND
        .withDescription("no report with id 'abc'\nsecond line").asRuntimeException(),
        "m:8140")).isEqualTo("no report with id 'abc'");
    assertThat(CallFailures.describe(Status.FAILED_PRECONDITION.asRuntimeException(), "m:8140"))
        .isEqualTo("the master at m:8140 answered FAILED_PRECONDITION");
    assertThat(CallFailures.describe(Status.DEADLINE_EXCEEDED.asRuntimeException(), "m:8140"))
        .isEqualTo("the master at m:8140 did not answer in time");
    assertThat(CallFailures.describe(Status.PERMISSION_DENIED
        .withDescription("node a may not fetch b").asRuntimeException(), "[::1]:8140"))
        .isEqualTo("the master at [::1]:8140 denied the request: node a may not fetch b");
    assertThat(CallFailures.describe(Status.UNAVAILABLE
        .withDescription("Unable to resolve host nowhere.invalid").asRuntimeException(),
        "nowhere.invalid:8140"))
        .isEqualTo("cannot reach the master at nowhere.invalid:8140: unknown host nowhere.invalid");
    assertThat(CallFailures.isTransient(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
  }

  private static StatusRuntimeException call(ManagedChannel channel) {
    try {
      AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .caFingerprint(CaFingerprintRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("a call to a closed port succeeded");
  }
}
