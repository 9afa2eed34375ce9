package dev.stead.agent.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** One-line explanations of failed calls to the master, for people. Stateless. */
public final class MasterErrors {
  private MasterErrors() {}

  /** E.g. {@code cannot reach the master at localhost:8140: connection refused}. */
  public static String describe(StatusRuntimeException e, MasterAddress address) {
    Status status = e.getStatus();
    String description = status.getDescription() == null ? "" : status.getDescription();
    switch (status.getCode()) {
      case UNAVAILABLE: {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof ConnectException) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            return unreachable(address, m.contains("refused") ? "connection refused"
                : m.isEmpty() ? "cannot connect" : firstLine(t.getMessage()));
          }
          if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            return unreachable(address, "unknown host " + address.host());
          }
          if (t instanceof NoRouteToHostException) {
            return unreachable(address, "no route to host");
          }
          if (t instanceof SSLException) {
            return "TLS handshake with the master at " + address + " failed: "
                + firstLine(String.valueOf(t.getMessage()));
          }
        }
        String d = description.toLowerCase(Locale.ROOT);
        if (d.contains("unresolved") || d.contains("unable to resolve")) {
          return unreachable(address, "unknown host " + address.host());
        }
        return unreachable(address, description.isEmpty() ? "unavailable" : firstLine(description));
      }
      case DEADLINE_EXCEEDED:
        return "the master at " + address + " did not answer in time";
      case UNAUTHENTICATED:
        return "the master at " + address + " did not accept this agent's certificate: "
            + firstLine(description);
      case PERMISSION_DENIED:
        return "the master at " + address + " denied the request: " + firstLine(description);
      default:
        return "the master at " + address + " answered " + status.getCode()
            + (description.isEmpty() ? "" : ": " + firstLine(description));
    }
  }

  /** True for failures where trying later may work (the master or network is away). */
  public static boolean isTransient(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.ABORTED
        || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
  }

  private static String unreachable(MasterAddress address, String why) {
    return "cannot reach the master at " + address + ": " + why;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
