package dev.stead.master.rpc;

import dev.stead.master.ca.CaException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one unary call and maps every failure to one status: a {@link StatusRuntimeException}
 * as thrown (caller and auth errors), a {@link CaException} by its reason, and anything else
 * — our bug or the machine's trouble — to INTERNAL, logged with its stack trace. The server
 * never crashes on a request.
 */
final class Unary {
  private static final Logger LOG = Logger.getLogger(Unary.class.getName());

  private Unary() {}

  static <T> void respond(StreamObserver<T> observer, String what, Callable<T> body) {
    run(observer, what, body).ifPresent(response -> {
      observer.onNext(response);
      observer.onCompleted();
    });
  }

  /**
   * Runs the first part of a call: its result, or empty when it failed and {@code observer}
   * was told (mapped as {@link #respond} maps it; a null result is our bug: INTERNAL).
   */
  static <T> java.util.Optional<T> run(StreamObserver<?> observer, String what,
      Callable<T> body) {
    try {
      return java.util.Optional.of(java.util.Objects.requireNonNull(body.call(),
          "the call's result"));
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    } catch (CaException e) {
      observer.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
    } catch (Exception | LinkageError | AssertionError e) {
      LOG.log(Level.WARNING, what + " failed", e);
      observer.onError(Status.INTERNAL
          .withDescription(what + " failed on the master: " + e)
          .asRuntimeException());
    }
    return java.util.Optional.empty();
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static Status status(CaException e) {
    return switch (e.reason()) {
      case INVALID -> Status.INVALID_ARGUMENT;
      case CONFLICT -> Status.ALREADY_EXISTS;
      case NOT_FOUND -> Status.NOT_FOUND;
      case FORBIDDEN -> Status.PERMISSION_DENIED;
      case RATE_LIMITED -> Status.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
  }
}
