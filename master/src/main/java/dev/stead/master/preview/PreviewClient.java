package dev.stead.master.preview;

import dev.stead.master.AdminClient;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewServiceGrpc;
import dev.stead.proto.v1.PreviewSummary;
import dev.stead.wire.CallFailures;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operator's side of {@code PreviewService}, over an {@link AdminClient}'s channel. Every
 * failure is an {@link IOException} with a one-line message. Does not own the channel.
 */
public final class PreviewClient {
  /** A preview of the largest fleets takes about a minute; beyond this the client gives up. */
  static final long DEADLINE_MINUTES = 30;
  private final PreviewServiceGrpc.PreviewServiceBlockingStub stub;
  private final String target;

  public PreviewClient(AdminClient admin) {
    this.stub = PreviewServiceGrpc.newBlockingStub(admin.channel());
    this.target = admin.target();
  }

  /**
   * Runs a preview, handing {@code events} each node's result as it arrives, then the
   * summary, which it also returns.
   */
  public PreviewSummary preview(PreviewRequest request, Consumer<PreviewEvent> events)
      throws IOException {
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      return call.call(() -> {
        Iterator<PreviewEvent> stream =
            stub.withDeadlineAfter(DEADLINE_MINUTES, TimeUnit.MINUTES).preview(request);
        PreviewSummary summary = null;
        while (stream.hasNext()) {
          PreviewEvent event = stream.next();
          events.accept(event);
          if (event.hasSummary()) {
            summary = event.getSummary();
          }
        }
        if (summary == null) {
          throw new IOException("the master ended the preview without a summary");
        }
        return summary;
      });
    } catch (StatusRuntimeException e) {
      throw new IOException(CallFailures.describe(e, target), e);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      call.cancel(null);
    }
  }
}
