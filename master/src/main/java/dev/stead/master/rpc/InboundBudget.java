package dev.stead.master.rpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Enforces each method's request size while the bytes arrive, before gRPC has buffered a
 * whole message: the transport's own limit is one number for every method (the largest, for
 * reports), and an interceptor only sees a message once it is complete. A caller without a
 * client certificate gets {@link InputLimits#MAX_ANONYMOUS_REQUEST_BYTES} whatever the
 * method. Going over fails the stream with RESOURCE_EXHAUSTED; the description says how
 * many bytes were read before the refusal.
 *
 * <p>gRPC calls {@code serverCallStarted} before it asks the transport for the request, so
 * the limit is known before the first byte of the message is read.
 */
final class InboundBudget extends ServerStreamTracer.Factory {
  /**
   * gRPC logs every failed stream with a stack trace; a refusal is the caller's doing and
   * answered with a status, so the master's log is not the place for one per request.
   */
  private static final Logger STREAM_LOG = Logger.getLogger("io.grpc.netty.NettyServerStream");

  static {
    STREAM_LOG.setFilter(record -> !(record.getThrown() instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED));
  }

  private final int defaultLimit;
  private final Map<String, Integer> limitsByMethod;
  private final int anonymousLimit;

  InboundBudget(int defaultLimit, Map<String, Integer> limitsByMethod, int anonymousLimit) {
    this.defaultLimit = defaultLimit;
    this.limitsByMethod = Map.copyOf(limitsByMethod);
    this.anonymousLimit = anonymousLimit;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new Budget(fullMethodName, limitsByMethod.getOrDefault(fullMethodName, defaultLimit));
  }

  private final class Budget extends ServerStreamTracer {
    private final String method;
    // Written on the call's thread before the request is asked for, read on the transport's.
    private volatile int limit;
    private volatile boolean anonymous;
    private long wireBytes;
    private long uncompressedBytes;

    Budget(String method, int limit) {
      this.method = method;
      this.limit = limit;
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> call) {
      if (!hasCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))) {
        anonymous = true;
        limit = Math.min(limit, anonymousLimit);
      }
    }

    @Override
    public void inboundWireSize(long bytes) {
      wireBytes += bytes;
      check(wireBytes);
    }

    @Override
    public void inboundUncompressedSize(long bytes) {
      // A compressed request is measured again as it is inflated.
      uncompressedBytes += bytes;
      check(uncompressedBytes);
    }

    private void check(long read) {
      if (read > limit) {
        throw Status.RESOURCE_EXHAUSTED.withDescription(method + ": the request is larger than "
            + limit + " bytes; at most " + limit + " are accepted"
            + (anonymous ? " without a client certificate" : "")
            + " (refused after reading " + read + " bytes)").asRuntimeException();
      }
    }
  }

  private static boolean hasCertificate(SSLSession session) {
    if (session == null) {
      return false;
    }
    try {
      return session.getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
