package dev.stead.master.rpc;

import io.grpc.Context;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The network address a call came from, as {@code host:port}, for the log lines that name
 * who was refused. Put into the gRPC {@link Context} by {@link IdentityInterceptor}.
 */
final class Peer {
  static final Context.Key<String> KEY = Context.key("stead-peer");

  private Peer() {}

  /** The current call's peer; "unknown" outside a call. */
  static String current() {
    String peer = KEY.get();
    return peer == null ? "unknown" : peer;
  }

  static String of(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address == null ? "unknown" : address.toString();
  }
}
