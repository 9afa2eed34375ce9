package dev.stead.agent.client;

import io.grpc.ManagedChannel;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's mutual-TLS channels, one per master, shared by the daemon's runs and its command
 * stream. The master closes a connection after a minute without a call, so a run every few
 * minutes on a channel of its own dials a new TCP connection and makes a new TLS handshake
 * each time (a few milliseconds of CPU on each side); the command stream's call keeps its
 * connection open, and a run on the same channel finds it ready.
 *
 * <p>A channel is kept for the identity it was opened with (address, CA, key, certificate).
 * Asked for the same master with another identity (a renewed certificate, a new key), it opens
 * a new one and shuts the old one down gracefully: a call still in flight on it (the stream's,
 * which then dials again) ends normally. Thread-safe; {@link #close} ends every channel.
 */
public final class MasterChannels implements AutoCloseable {
  private final Map<String, Held> byAddress = new HashMap<>();
  private boolean closed;

  /** The open channel to {@code address} for this identity, or a new one. */
  public ManagedChannel channel(MasterAddress address, X509Certificate ca, PrivateKey key,
      X509Certificate certificate) {
    Opener wanted = new Opener(address.toString(), ca, key.getEncoded(), certificate);
    ManagedChannel replaced = null;
    ManagedChannel opened;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the agent's channels are closed");
      }
      Held held = byAddress.get(wanted.address());
      if (held != null && held.opener().equals(wanted) && !held.channel().isShutdown()) {
        return held.channel();
      }
      opened = Channels.stream(address, ca, key, certificate);
      byAddress.put(wanted.address(), new Held(wanted, opened));
      replaced = held == null ? null : held.channel();
    }
    if (replaced != null) {
      replaced.shutdown();
    }
    return opened;
  }

  /**
   * Closes every channel now, calls in flight included (after a transport failure: whoever
   * asks next dials afresh rather than trust a broken connection).
   */
  public void discardAll() {
    List<Held> dropped;
    synchronized (this) {
      dropped = List.copyOf(byAddress.values());
      byAddress.clear();
    }
    dropped.forEach(h -> Channels.close(h.channel()));
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    discardAll();
  }

  private record Held(Opener opener, ManagedChannel channel) {}

  /** Equality by content: a renewed certificate or a replaced key means a new channel. */
  private record Opener(String address, X509Certificate ca, byte[] key,
      X509Certificate certificate) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Opener other && address.equals(other.address)
          && ca.equals(other.ca) && Arrays.equals(key, other.key)
          && certificate.equals(other.certificate);
    }

    @Override
    public int hashCode() {
      return Objects.hash(address, ca, Arrays.hashCode(key), certificate);
    }
  }
}
