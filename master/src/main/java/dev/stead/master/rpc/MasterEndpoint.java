package dev.stead.master.rpc;

import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.MasterRegistry;
import dev.stead.proto.v1.ListMastersRequest;
import dev.stead.proto.v1.ListMastersResponse;
import dev.stead.proto.v1.MasterInfo;
import dev.stead.proto.v1.MasterServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;

/** {@code stead masters} (admin only, by the access policy): the masters registered. */
public final class MasterEndpoint extends MasterServiceGrpc.MasterServiceImplBase {
  private final MasterRegistry registry;
  private final Clock clock;

  public MasterEndpoint(MasterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void listMasters(ListMastersRequest request,
      StreamObserver<ListMastersResponse> observer) {
    Unary.respond(observer, "listing the masters", () -> {
      ListMastersResponse.Builder answer = ListMastersResponse.newBuilder()
          .setNowMs(clock.millis());
      for (MasterRecord m : registry.masters()) {
        answer.addMasters(MasterInfo.newBuilder().setAddress(m.address()).setCa(m.ca())
            .putAllCodeVersions(m.codeVersions()).setStartedAtMs(m.startedAtMs())
            .setLastSeenMs(m.lastSeenMs()));
      }
      return answer.build();
    });
  }
}
