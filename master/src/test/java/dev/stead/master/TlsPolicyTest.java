package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CompileOutcome;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol versions and suites the master's one port accepts; no plaintext. */
class TlsPolicyTest {
  @TempDir Path data;
  @TempDir Path code;

  private Master start(boolean tls12) throws Exception {
    return Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, null))
        .catalogSource((node, facts) -> CompileOutcome.failed("site.groovy", "unused"))
        .trust(new TrustConfig(tls12, Optional.empty(), Optional.empty()))
        .start();
  }

  /** "OK" or the failure's status code, for an anonymous bootstrap call. */
  private String dial(Master master, String protocol, String suite) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(),
            SslProvider.JDK)
        .trustManager(Pem.readCertificate(data.resolve("ca/ca.pem")))
        .protocols(protocol);
    if (suite != null) {
      ssl.ciphers(List.of(suite));
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", master.port())
        .sslContext(ssl.build()).build();
    return call(channel);
  }

  private static String call(ManagedChannel channel) throws InterruptedException {
    try {
      BootstrapGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getCaCertificate(GetCaCertificateRequest.getDefaultInstance());
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  @Test
  void byDefaultOnlyTls13IsAccepted() throws Exception {
    try (Master master = start(false)) {
      assertThat(dial(master, "TLSv1.3", null)).isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("UNAVAILABLE");
    }
  }

  @Test
  void tls12IsAnExplicitOptionWithStrongSuitesOnly() throws Exception {
    try (Master master = start(true)) {
      assertThat(dial(master, "TLSv1.3", null)).isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
          .isEqualTo("UNAVAILABLE");
    }
  }

  @Test
  void thereIsNoPlaintextListener() throws Exception {
    try (Master master = start(false)) {
      ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", master.port())
          .usePlaintext().build();
      assertThat(call(plaintext)).isEqualTo("UNAVAILABLE");
    }
  }
}
