package dev.stead.agent.client;

import dev.stead.wire.SingleKeyManager;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The three kinds of channel to the master, all TLS 1.3 to the host given in {@code --server}
 * (which is also the name checked against the server certificate): bootstrap (trusting a
 * given trust manager, for the CA fetch), CA-trusting without a client certificate (CSR and
 * certificate fetch), and mutual TLS (everything else).
 */
public final class Channels {
  private Channels() {}

  /**
   * The JDK's TLS, always: gRPC would pick BoringSSL whenever its jar is on the class path,
   * as it is on a master's host (the master ships it for its server side), and the agent's
   * few handshakes gain nothing from it.
   */
  private static SslContextBuilder jdkTls() {
    return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
  }

  public static ManagedChannel bootstrap(MasterAddress address, TrustManager trust) {
    return open(address, jdkTls().trustManager(trust));
  }

  public static ManagedChannel trustingCa(MasterAddress address, X509Certificate ca) {
    return open(address, jdkTls().trustManager(ca));
  }

  public static ManagedChannel mutual(MasterAddress address, X509Certificate ca, PrivateKey key,
      X509Certificate certificate) {
    return open(address, jdkTls().trustManager(ca)
        .keyManager(new SingleKeyManager(key, certificate)));
  }

  /**
   * Mutual TLS for the daemon's command stream: pings the master every 5 minutes while the
   * stream is open (the master's least allowed interval), so a half-open connection ends.
   */
  public static ManagedChannel stream(MasterAddress address, X509Certificate ca, PrivateKey key,
      X509Certificate certificate) {
    return builder(address, jdkTls().trustManager(ca)
        .keyManager(new SingleKeyManager(key, certificate)))
        .keepAliveTime(5, TimeUnit.MINUTES)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .build();
  }

  /** Closes a channel and waits briefly, so no Netty threads outlive the run. */
  public static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ManagedChannel open(MasterAddress address, SslContextBuilder ssl) {
    return builder(address, ssl).build();
  }

  private static NettyChannelBuilder builder(MasterAddress address, SslContextBuilder ssl) {
    SslContext context;
    try {
      context = ssl.protocols("TLSv1.3").build();
    } catch (SSLException e) {
      throw new AgentFailure("cannot set up TLS: " + e.getMessage(), e);
    }
    return NettyChannelBuilder.forAddress(address.host(), address.port())
        .sslContext(context);
  }
}
