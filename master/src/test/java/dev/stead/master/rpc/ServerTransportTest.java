package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

/** How the operator's setting picks what moves the bytes of the master's port. */
class ServerTransportTest {
  @Test
  void byDefaultTheNativeTransportIsChosenWhereItLoads() {
    // Linux x86-64 ships the epoll transport in the master's jars: "auto" must find it here.
    ServerTransport auto = ServerTransport.choose("auto", "default");
    assertThat(auto.isNative()).isTrue();
    assertThat(auto.description()).isEqualTo("epoll (available)");
    assertThat(listener(auto)).isEqualTo(EpollServerSocketChannel.class);
    assertThat(ServerTransport.choose(" EPOLL ", "STEAD_TRANSPORT").isNative()).isTrue();
  }

  @Test
  void nioForcesJavasSelector() {
    ServerTransport nio = ServerTransport.choose("Nio", "STEAD_TRANSPORT");
    assertThat(nio.isNative()).isFalse();
    assertThat(nio.description()).isEqualTo("Java NIO (forced by STEAD_TRANSPORT)");
    assertThat(listener(nio)).isEqualTo(NioServerSocketChannel.class);
  }

  @Test
  void anUnknownSettingIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(() -> ServerTransport.choose("io_uring", "-Dstead.transport"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dstead.transport=io_uring is not a transport: use auto, nio or epoll");
  }

  /** The class of the listening channel {@code transport} makes (closed again at once). */
  private static Class<?> listener(ServerTransport transport) {
    ServerChannel channel = transport.listeners().get();
    try {
      return channel.getClass();
    } finally {
      channel.unsafe().closeForcibly();
    }
  }
}
