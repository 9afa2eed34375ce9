package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The gate on the listening channel, with Netty's embedded channels standing for the listener
 * and the accepted connections: while the TLS handshakes waiting for a thread are more than
 * the master finishes in time, a new connection is closed at once and not counted as open
 * (but as accepted).
 */
class ConnectionGateTest {
  @Test
  void aConnectionArrivingWhileHandshakesAreBackloggedIsClosedAtOnceAndTheNextOneIsKept() {
    AtomicBoolean backlogged = new AtomicBoolean(true);
    ConnectionCounts counts = new ConnectionCounts();
    ConnectionGate gate =
        new ConnectionGate(ConnectionLimits.defaults(), backlogged::get, counts);
    EmbeddedChannel listener = new EmbeddedChannel(gate);

    EmbeddedChannel refused = new EmbeddedChannel();
    listener.writeInbound(refused);
    assertThat(refused.isOpen()).isFalse();
    assertThat(gate.open()).isZero();
    assertThat((Object) listener.readInbound()).isNull();

    backlogged.set(false);
    EmbeddedChannel kept = new EmbeddedChannel();
    listener.writeInbound(kept);
    assertThat(kept.isOpen()).isTrue();
    assertThat(gate.open()).isEqualTo(1);
    assertThat((Object) listener.readInbound()).isSameAs(kept);

    kept.close();
    assertThat(gate.open()).isZero();
    assertThat(counts.accepted()).as("both were accepted, one refused at once").isEqualTo(2);
    listener.finishAndReleaseAll();
  }
}
