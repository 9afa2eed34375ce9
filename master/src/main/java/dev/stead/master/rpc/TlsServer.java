package dev.stead.master.rpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Builds and starts the master's one gRPC port: TLS 1.3 only, JDK TLS, client certificates
 * optional but, when sent, verified against the CA alone (so another CA's certificate fails
 * the handshake), every service behind the {@link IdentityInterceptor}.
 */
public final class TlsServer {
  private TlsServer() {}

  public static Server start(String host, int port, PrivateKey serverKey,
      X509Certificate serverCertificate, X509Certificate caCertificate,
      List<ServerServiceDefinition> services, AccessPolicy policy) throws IOException {
    policy.requireCovers(services);
    SslContext ssl;
    try {
      ssl = GrpcSslContexts.configure(
              SslContextBuilder.forServer(serverKey, serverCertificate), SslProvider.JDK)
          .trustManager(caCertificate)
          .clientAuth(ClientAuth.OPTIONAL)
          .protocols("TLSv1.3")
          .build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .sslContext(ssl);
    IdentityInterceptor interceptor = new IdentityInterceptor(policy);
    for (ServerServiceDefinition service : services) {
      builder.addService(ServerInterceptors.intercept(service, interceptor));
    }
    Server server = builder.build();
    try {
      return server.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }
}
