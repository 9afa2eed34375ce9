package dev.stead.master.rpc;

import dev.stead.master.preview.FleetPreview;
import dev.stead.master.preview.PreviewTarget;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewRequest;
import dev.stead.proto.v1.PreviewServiceGrpc;
import dev.stead.proto.v1.PreviewSummary;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fleet-wide preview, streamed: one message per node, then the summary. Admin
 * certificate only (see {@link AccessPolicy}). A client that goes away stops the preview; one
 * that reads slowly slows it down (results wait for the stream to be ready).
 */
public final class PreviewEndpoint extends PreviewServiceGrpc.PreviewServiceImplBase {
  private static final Logger LOG = Logger.getLogger(PreviewEndpoint.class.getName());
  private final FleetPreview preview;

  public PreviewEndpoint(FleetPreview preview) {
    this.preview = preview;
  }

  @Override
  public void preview(PreviewRequest request, StreamObserver<PreviewEvent> observer) {
    ServerCallStreamObserver<PreviewEvent> call =
        (ServerCallStreamObserver<PreviewEvent>) observer;
    // With a handler set, results sent after the client left are dropped, not thrown.
    call.setOnCancelHandler(() -> { });
    // A slow client holds the preview back instead of letting results pile up in memory.
    Object ready = new Object();
    call.setOnReadyHandler(() -> {
      synchronized (ready) {
        ready.notifyAll();
      }
    });
    PreviewTarget target;
    try {
      target = PreviewTarget.of(request.getCodeDirectory(), request.getEnvironment());
    } catch (IllegalArgumentException e) {
      observer.onError(Unary.invalid(e.getMessage()));
      return;
    }
    String who = Identity.current().commonName();
    String what = target.describe();
    try {
      PreviewSummary done = preview.run(target, request.getNodeGlob(), event -> {
        synchronized (ready) {
          while (!call.isReady() && !call.isCancelled()) {
            try {
              ready.wait(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted while the client read slowly", e);
            }
          }
        }
        call.onNext(event);
      }, call::isCancelled);
      LOG.info(() -> "preview of " + what + " by " + who + ": " + done.getNodes() + " nodes, "
          + done.getChanged() + " change, " + done.getFailed() + " fail to compile, in "
          + done.getElapsedMs() + " ms");
      call.onCompleted();
    } catch (IllegalArgumentException e) {
      observer.onError(Unary.invalid(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      observer.onError(Status.CANCELLED.withDescription("the master is stopping")
          .asRuntimeException());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "preview of " + what + " failed", e);
      observer.onError(Status.INTERNAL.withDescription("the preview failed on the master: " + e)
          .asRuntimeException());
    }
  }
}
