package dev.stead.master.rpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Looks at every request's bytes before they are parsed: a request over its method's byte
 * limit is RESOURCE_EXHAUSTED, one that is not a valid protobuf message of the method's type
 * is INVALID_ARGUMENT (gRPC alone would answer INTERNAL, as if the master were broken).
 * Apply with {@link #wrap}, outermost.
 */
final class InboundGuard implements ServerInterceptor {
  private final int defaultLimit;
  private final Map<String, Integer> limitsByMethod;

  InboundGuard(int defaultLimit, Map<String, Integer> limitsByMethod) {
    this.defaultLimit = defaultLimit;
    this.limitsByMethod = Map.copyOf(limitsByMethod);
  }

  /** {@code service} with raw request bytes passing through this guard first. */
  ServerServiceDefinition wrap(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), this);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    int limit = limitsByMethod.getOrDefault(method, defaultLimit);
    AtomicBoolean closed = new AtomicBoolean();
    ServerCall<Q, R> tracked = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (closed.compareAndSet(false, true)) {
          super.close(status, trailers);
        }
      }
    };
    ServerCall.Listener<Q> delegate = next.startCall(tracked, headers);
    return new ServerCall.Listener<>() {
      private boolean failed;

      @Override
      public void onMessage(Q message) {
        if (failed || closed.get()) {
          return;
        }
        int size = size(message);
        if (size > limit) {
          fail(Status.RESOURCE_EXHAUSTED.withDescription(method + ": the request is " + size
              + " bytes; at most " + limit + " are accepted"));
          return;
        }
        try {
          delegate.onMessage(message);
        } catch (RuntimeException e) {
          if (e instanceof StatusRuntimeException s
              && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            // InboundBudget refusing a compressed request as it is inflated.
            fail(s.getStatus());
            return;
          }
          // Only parsing happens here: the service itself runs on half-close.
          fail(Status.INVALID_ARGUMENT.withDescription(method
              + ": the request is not a valid protobuf message of the expected type"));
        }
      }

      @Override
      public void onHalfClose() {
        if (!failed) {
          delegate.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        delegate.onCancel();
      }

      @Override
      public void onComplete() {
        delegate.onComplete();
      }

      @Override
      public void onReady() {
        if (!failed) {
          delegate.onReady();
        }
      }

      private void fail(Status status) {
        failed = true;
        tracked.close(status, new Metadata());
      }
    };
  }

  private static int size(Object message) {
    if (message instanceof InputStream stream) {
      try {
        // gRPC's message streams are in memory and know their exact size.
        return stream.available();
      } catch (IOException e) {
        return 0;
      }
    }
    return 0;
  }
}
