package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** How the operator's setting picks the implementation that serves the master's TLS. */
class ServerTlsProviderTest {
  @Test
  void bySettingTheNativeProviderIsChosenWhereItLoads() {
    // Linux x86-64 ships BoringSSL in the master's jars: "auto" must find it here.
    ServerTlsProvider auto = ServerTlsProvider.choose("auto", "default");
    assertThat(auto.isNative()).isTrue();
    assertThat(auto.description()).isEqualTo("BoringSSL (available)");
    assertThat(ServerTlsProvider.choose(" Native ", "STEAD_TLS_PROVIDER").provider())
        .isEqualTo(SslProvider.OPENSSL);
  }

  @Test
  void jdkForcesTheJdkProvider() {
    ServerTlsProvider jdk = ServerTlsProvider.choose("JDK", "STEAD_TLS_PROVIDER");
    assertThat(jdk.provider()).isEqualTo(SslProvider.JDK);
    assertThat(jdk.description()).isEqualTo("the JDK (forced by STEAD_TLS_PROVIDER)");
  }

  @Test
  void anUnknownSettingIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(() -> ServerTlsProvider.choose("openssl", "-Dstead.tls.provider"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dstead.tls.provider=openssl is not a TLS provider: use auto, jdk or"
            + " native");
  }
}
