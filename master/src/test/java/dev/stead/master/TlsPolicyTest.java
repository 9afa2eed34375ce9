package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CompileOutcome;
import dev.stead.master.rpc.ServerTlsProvider;
import dev.stead.master.rpc.TlsServer;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protocol versions and suites the master's one port accepts, and how it treats client
 * certificates; no plaintext. Each test runs with both TLS providers, BoringSSL and the JDK,
 * because the policy must not depend on which one serves the port.
 */
class TlsPolicyTest {
  @TempDir Path data;
  @TempDir Path code;
  @TempDir Path tmp;
  private LogCapture tlsLog;

  @AfterEach
  void clearProvider() {
    System.clearProperty(ServerTlsProvider.PROPERTY);
    if (tlsLog != null) {
      tlsLog.close();
    }
  }

  /** A master whose TLS is served by {@code provider} ("jdk" or "native"), autosigning. */
  private Master start(String provider, boolean tls12) throws Exception {
    System.setProperty(ServerTlsProvider.PROPERTY, provider);
    tlsLog = LogCapture.of(TlsServer.class);
    Master master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource((node, facts) -> CompileOutcome.compiled(Catalogs.seal(
            Catalog.newBuilder().setNode(node).setCodeVersion("test").build())))
        .trust(new TrustConfig(tls12, Optional.empty(), Optional.empty()))
        .start();
    // The operator sees which implementation serves TLS; "native" must really be BoringSSL.
    assertThat(tlsLog.messages()).anySatisfy(line -> assertThat(line)
        .contains("served by " + (provider.equals("native") ? "BoringSSL" : "the JDK")));
    return master;
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

  @ParameterizedTest
  @ValueSource(strings = {"native", "jdk"})
  void byDefaultOnlyTls13IsAccepted(String provider) throws Exception {
    try (Master master = start(provider, false)) {
      assertThat(dial(master, "TLSv1.3", null)).isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("UNAVAILABLE");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"native", "jdk"})
  void tls12IsAnExplicitOptionWithStrongSuitesOnly(String provider) throws Exception {
    try (Master master = start(provider, true)) {
      assertThat(dial(master, "TLSv1.3", null)).isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("OK");
      assertThat(dial(master, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
          .isEqualTo("UNAVAILABLE");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"native", "jdk"})
  void thereIsNoPlaintextListener(String provider) throws Exception {
    try (Master master = start(provider, false)) {
      ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", master.port())
          .usePlaintext().build();
      assertThat(call(plaintext)).isEqualTo("UNAVAILABLE");
    }
  }

  /**
   * Client certificates are optional at the handshake: a node's certificate from the CA is
   * admitted, another CA's certificate fails the handshake, and a revoked one is refused on
   * its next call although its connection stays open.
   */
  @ParameterizedTest
  @ValueSource(strings = {"native", "jdk"})
  void clientCertificatesAreVerifiedAndRevocationsRefused(String provider) throws Exception {
    try (Master master = start(provider, false)) {
      X509Certificate ca = Pem.readCertificate(data.resolve("ca/ca.pem"));
      KeyPair key = TestPki.ecKey();
      CertificateStatus signed = BootstrapGrpc.newBlockingStub(
              TestPki.channel(master.port(), ca, null, null))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .submitCsr(SubmitCsrRequest.newBuilder().setCertname("web1")
              .setCsrPem(TestPki.csr("web1", key)).build());
      X509Certificate certificate = Pem.parseCertificate(signed.getCertificatePem());
      ManagedChannel node = TestPki.channel(master.port(), ca, key.getPrivate(), certificate);
      try {
        assertThat(catalog(node)).isEqualTo("OK");

        TestPki.Identity stranger = TestPki.foreignClient(tmp.resolve("foreign"), "web1");
        ManagedChannel foreign = NettyChannelBuilder.forAddress("127.0.0.1", master.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(ca)
                .keyManager(stranger.insistingKeyManager()).build())
            .build();
        assertThat(callCatalog(foreign)).isEqualTo("UNAVAILABLE");

        ManagedChannel admin = TestPki.channel(master.port(), ca,
            Pem.readPrivateKey(data.resolve("admin/key.pem")),
            Pem.readCertificate(data.resolve("admin/cert.pem")));
        try {
          AdminServiceGrpc.newBlockingStub(admin).withDeadlineAfter(10, TimeUnit.SECONDS)
              .revokeCertificate(RevokeCertificateRequest.newBuilder().setCertname("web1")
                  .build());
        } finally {
          admin.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
        assertThat(catalog(node)).isEqualTo("UNAUTHENTICATED: the certificate of 'web1'"
            + " (serial " + certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT)
            + ") has been revoked");
        ManagedChannel fresh = TestPki.channel(master.port(), ca, key.getPrivate(),
            certificate);
        assertThat(callCatalog(fresh)).startsWith("UNAUTHENTICATED");
      } finally {
        node.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    }
  }

  /** "OK", or the status code and description of the refusal, without closing the channel. */
  private static String catalog(ManagedChannel channel) {
    try {
      CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getCatalog(GetCatalogRequest.newBuilder().setNode("web1").build());
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }
  }

  /** The status code alone (or "OK"), closing the channel. */
  private static String callCatalog(ManagedChannel channel) throws InterruptedException {
    try {
      return catalog(channel).replaceFirst(": .*", "");
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
