package dev.stead.wire;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The one place that turns a failed call to the master into a line for people, on every
 * client (the agent, the {@code stead} commands). Trouble on the way says which master
 * ({@code cannot reach the master at localhost:8140: connection refused}); a refusal is the
 * master's own description, which it writes for people; a bare code only when the master
 * gave none. Stateless.
 */
public final class CallFailures {
  /** How a master that refuses work under load begins its UNAVAILABLE description. */
  static final String BUSY = "the master is busy";

  private CallFailures() {}

  /** One line for {@code e}, a call to the master at {@code target} ({@code host:port}). */
  public static String describe(StatusRuntimeException e, String target) {
    Status status = e.getStatus();
    String description =
        status.getDescription() == null ? "" : firstLine(status.getDescription());
    switch (status.getCode()) {
      case UNAVAILABLE:
        return unavailable(e, target, description);
      case DEADLINE_EXCEEDED:
        return "the master at " + target + " did not answer in time";
      case UNAUTHENTICATED:
        return "the master at " + target + " did not accept the certificate presented"
            + (description.isEmpty() ? "" : ": " + description);
      case PERMISSION_DENIED:
        return "the master at " + target + " denied the request"
            + (description.isEmpty() ? "" : ": " + description);
      default:
        return description.isEmpty()
            ? "the master at " + target + " answered " + status.getCode() : description;
    }
  }

  /** True for failures where trying later may work (the master or the network is away). */
  public static boolean isTransient(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.ABORTED
        || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
  }

  /** Names the cause the transport saw: refused, unknown host, no route, TLS. */
  private static String unavailable(StatusRuntimeException e, String target,
      String description) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        return unreachable(target, m.contains("refused") ? "connection refused"
            : m.isEmpty() ? "cannot connect" : firstLine(t.getMessage()));
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return unreachable(target, "unknown host " + host(target));
      }
      if (t instanceof NoRouteToHostException) {
        return unreachable(target, "no route to host");
      }
      if (t instanceof SSLException) {
        return "TLS handshake with the master at " + target + " failed: "
            + firstLine(String.valueOf(t.getMessage()));
      }
    }
    if (description.startsWith(BUSY)) {
      // The master answered: it is there, only busy; it says when to come back.
      return "the master at " + target + description.substring("the master".length());
    }
    String d = description.toLowerCase(Locale.ROOT);
    if (d.contains("unresolved") || d.contains("unable to resolve")) {
      return unreachable(target, "unknown host " + host(target));
    }
    return unreachable(target, description.isEmpty() ? "unavailable" : description);
  }

  private static String unreachable(String target, String why) {
    return "cannot reach the master at " + target + ": " + why;
  }

  /** The host of {@code host:port} or {@code [v6]:port}. */
  private static String host(String target) {
    if (target.startsWith("[")) {
      int end = target.indexOf(']');
      return end > 0 ? target.substring(1, end) : target;
    }
    int colon = target.lastIndexOf(':');
    return colon > 0 ? target.substring(0, colon) : target;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
