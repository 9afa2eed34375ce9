package dev.stead.agent.client;

import dev.stead.wire.CallFailures;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Makes one call against the current master of a {@link MasterChoice} and, when that master
 * is unavailable (UNAVAILABLE: refused, unreachable, gone mid-call; DEADLINE_EXCEEDED), makes
 * it again against the next, until each master of the list was tried once. Any other failure
 * is the answer of a master that is up and escapes at once. Thread-safe when the channel
 * function is.
 */
public final class Failover {
  /** One call to one master. */
  @FunctionalInterface
  public interface Call<T> {
    T call(Channel channel, MasterAddress master) throws IOException;
  }

  /** What a call returned, and which master answered. */
  public record Answer<T>(T value, MasterAddress from) {}

  private final MasterChoice choice;
  private final Function<MasterAddress, ? extends Channel> channels;
  private final Consumer<String> tell;

  /**
   * @param channels the channel to a master (the session's, reused while it stays current)
   * @param tell hears one line per failover
   */
  public Failover(MasterChoice choice, Function<MasterAddress, ? extends Channel> channels,
      Consumer<String> tell) {
    this.choice = Objects.requireNonNull(choice, "choice");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.tell = Objects.requireNonNull(tell, "tell");
  }

  public MasterChoice choice() {
    return choice;
  }

  /**
   * Calls the current master, failing over as the class says.
   *
   * @throws StatusRuntimeException the last master's failure when none answered (described by
   *     {@link #describe}), or the first failure that is not unavailability
   * @throws IOException what the call threw, when not caused by an unavailable master
   */
  public <T> Answer<T> call(Call<T> call) throws IOException {
    int masters = choice.masters().size();
    List<MasterAddress> tried = new ArrayList<>();
    while (true) {
      MasterAddress at = choice.current();
      tried.add(at);
      StatusRuntimeException unavailable;
      try {
        return new Answer<>(call.call(channels.apply(at), at), at);
      } catch (StatusRuntimeException e) {
        if (!isUnavailable(e)) {
          throw e;
        }
        unavailable = e;
      } catch (IOException e) {
        StatusRuntimeException cause = grpcCause(e);
        if (cause == null || !isUnavailable(cause) || tried.size() >= masters) {
          throw e;
        }
        unavailable = cause;
      }
      if (tried.size() >= masters) {
        throw unavailable;
      }
      MasterAddress next = choice.failedOver(at);
      tell.accept("the master at " + at + " is unavailable ("
          + CallFailures.describe(unavailable, at.toString()) + "); failing over to " + next);
    }
  }

  /** As {@link #call} for a call that throws no checked exception. */
  public <T> Answer<T> callUnchecked(Call<T> call) {
    try {
      return call(call);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The failures that mean "this master is not there now", which another master may not share. */
  public static boolean isUnavailable(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  private static StatusRuntimeException grpcCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }
}
