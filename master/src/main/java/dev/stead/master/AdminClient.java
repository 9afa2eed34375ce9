package dev.stead.master;

import dev.stead.master.ca.AdminCredentials;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.CaFingerprintRequest;
import dev.stead.proto.v1.CertificateInfo;
import dev.stead.proto.v1.ClassifyNodeRequest;
import dev.stead.proto.v1.CleanCertificateRequest;
import dev.stead.proto.v1.CleanCertificateResponse;
import dev.stead.proto.v1.GetNodeRequest;
import dev.stead.proto.v1.ListCertificatesRequest;
import dev.stead.proto.v1.ListNodesRequest;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.proto.v1.SignCertificateRequest;
import dev.stead.wire.CallFailures;
import dev.stead.wire.SingleKeyManager;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The operator's connection to a running master (the CLI's {@code stead ca ...},
 * {@code stead nodes}, {@code stead reports}), authenticated with the admin certificate in
 * {@code DATA/admin/}. The CLI never opens the database itself: the master owns it.
 *
 * <p>Every failure is an {@link IOException} with a one-line message: master not running
 * or unreachable, or the master's refusal (e.g. "there is no certificate request for 'x'").
 * Thread-safe; close it when done.
 */
public final class AdminClient implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 15;
  private final ManagedChannel channel;
  private final AdminServiceGrpc.AdminServiceBlockingStub stub;
  private final String target;

  private AdminClient(ManagedChannel channel, String target) {
    this.channel = channel;
    this.stub = AdminServiceGrpc.newBlockingStub(channel);
    this.target = target;
  }

  /**
   * Connects to the master owning {@code dataDir}.
   *
   * @param dataDir the master's data directory (for {@code admin/} and {@code master.address})
   * @param hostPortOrNull {@code host:port} to dial, or null to read {@code master.address}
   * @throws IOException when the admin credentials or the address are missing
   * @throws IllegalArgumentException when the address is malformed, naming where it came from
   */
  public static AdminClient connect(Path dataDir, String hostPortOrNull) throws IOException {
    AdminCredentials credentials = AdminCredentials.load(dataDir.resolve("admin"));
    MasterAddress.Target target = hostPortOrNull != null
        ? MasterAddress.target(hostPortOrNull, "--server")
        : MasterAddress.target(MasterAddress.read(dataDir), dataDir.resolve(MasterAddress.FILE)
            .toString());
    SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(credentials.caCertificate())
        .keyManager(new SingleKeyManager(credentials.key(), credentials.certificate()))
        .protocols("TLSv1.3")
        .build();
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port())
        .sslContext(ssl)
        .build();
    return new AdminClient(channel, target.toString());
  }

  /** Pending, signed and revoked certificates, sorted by name. */
  public List<CertificateInfo> certificates() throws IOException {
    return call(() -> stub().listCertificates(ListCertificatesRequest.getDefaultInstance())
        .getCertificatesList());
  }

  /** Signs the pending request of {@code certname}. */
  public CertificateInfo sign(String certname) throws IOException {
    return sign(certname, "");
  }

  /**
   * Signs the pending request of {@code certname} for the key with {@code fingerprint}
   * (blank: the only pending one).
   */
  public CertificateInfo sign(String certname, String fingerprint) throws IOException {
    return call(() -> stub().signCertificate(SignCertificateRequest.newBuilder()
        .setCertname(certname).setFingerprint(fingerprint == null ? "" : fingerprint).build()));
  }

  /** Revokes the signed certificate of {@code certname}. */
  public CertificateInfo revoke(String certname) throws IOException {
    return call(() -> stub().revokeCertificate(
        RevokeCertificateRequest.newBuilder().setCertname(certname)
            .build()));
  }

  /** Forgets the request or certificate of {@code certname} (revoking a signed one). */
  public CleanCertificateResponse clean(String certname) throws IOException {
    return call(() -> stub().cleanCertificate(
        CleanCertificateRequest.newBuilder().setCertname(certname).build()));
  }

  /** The CA fingerprint, {@code SHA256:AB:CD:...}, as agents pin it. */
  public String caFingerprint() throws IOException {
    return call(() -> stub().caFingerprint(CaFingerprintRequest.getDefaultInstance())
        .getFingerprint());
  }

  /** Every node the master knows, sorted by name. */
  public List<NodeInfo> nodes() throws IOException {
    return call(() -> stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
  }

  /** One node with its mode and classification. */
  public NodeInfo node(String name) throws IOException {
    return call(() -> stub().getNode(
        GetNodeRequest.newBuilder().setName(name).build()));
  }

  /** Sets and removes keys of a node's classification in one step; returns the result. */
  public NodeClassification classify(String node,
      Map<String, String> set, List<String> unset) throws IOException {
    return call(() -> stub().classifyNode(ClassifyNodeRequest.newBuilder()
        .setNode(node).putAllSet(set).addAllUnset(unset).build()));
  }

  /** The authenticated channel, for clients of the master's other admin-only services. */
  public Channel channel() {
    return channel;
  }

  /** {@code host:port} this client dials, for error messages. */
  public String target() {
    return target;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private AdminServiceGrpc.AdminServiceBlockingStub stub() {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private <T> T call(Callable<T> rpc) throws IOException {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw new IOException(CallFailures.describe(e, target), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
