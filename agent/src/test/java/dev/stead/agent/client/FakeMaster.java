package dev.stead.agent.client;

import dev.stead.agent.tls.KeyMaterial;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateResponse;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubmitReportResponse;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A master for agent tests: real TLS 1.3 with optional client authentication, a CA that signs
 * CSRs (automatically or on {@link #sign}), catalogs from a function, reports collected.
 */
final class FakeMaster implements AutoCloseable {
  final TestPki.Ca ca;
  final Server server;
  final Map<String, String> csrs = new ConcurrentHashMap<>();
  final Map<String, String> signed = new ConcurrentHashMap<>();
  final List<Report> reports = new CopyOnWriteArrayList<>();
  volatile boolean autosign = true;
  volatile boolean reportsDown;
  /** Catalogs and reports answer UNAVAILABLE, as a master that is gone. */
  volatile boolean down;
  volatile Function<String, GetCatalogResponse> catalogs = n -> GetCatalogResponse.newBuilder()
      .setCatalog(Catalog.getDefaultInstance()).build();
  /** Every catalog request, in order. */
  final List<GetCatalogRequest> catalogRequests = new CopyOnWriteArrayList<>();
  /** Transports (TCP + TLS connections) that became ready. */
  final AtomicInteger connections =
      new AtomicInteger();

  FakeMaster() throws Exception {
    this(new TestPki.Ca("Stead test CA"));
  }

  /** A master whose CA is {@code ca}: several of them make one fleet's masters. */
  FakeMaster(TestPki.Ca ca) throws Exception {
    this.ca = ca;
    KeyPair serverKeys = KeyMaterial.generate();
    X509Certificate serverCert = ca.server(serverKeys.getPublic());
    ServerInterceptor needsCert = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call,
          Metadata headers, ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
          if (session == null || session.getPeerCertificates().length == 0) {
            throw new SSLPeerUnverifiedException("none");
          }
        } catch (SSLPeerUnverifiedException e) {
          call.close(Status.UNAUTHENTICATED.withDescription("a client certificate is required"),
              new Metadata());
          return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(io.netty.handler.ssl.SslContextBuilder
            .forServer(serverKeys.getPrivate(), serverCert))
            .trustManager(ca.certificate()).clientAuth(ClientAuth.OPTIONAL)
            .protocols("TLSv1.3").build())
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attributes) {
            connections.incrementAndGet();
            return attributes;
          }
        })
        .addService(new Bootstrap())
        .addService(ServerInterceptors.intercept(new Catalogs(), needsCert))
        .addService(ServerInterceptors.intercept(new Reports(), needsCert))
        .build().start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  void sign(String certname) throws Exception {
    var csr = new PKCS10CertificationRequest(
        Pem.decode(csrs.get(certname), Pem.CERTIFICATE_REQUEST));
    X509Certificate cert = ca.sign(csr.getSubject(),
        SubjectPublicKeyInfo.getInstance(csr.getSubjectPublicKeyInfo().getEncoded()), false, null);
    signed.put(certname, Pem.certificate(cert));
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow().awaitTermination();
  }

  private CertificateStatus status(String certname) {
    CertificateStatus.Builder s = CertificateStatus.newBuilder().setCertname(certname);
    if (signed.containsKey(certname)) {
      return s.setState(CertificateState.SIGNED).setCertificatePem(signed.get(certname)).build();
    }
    return s.setState(csrs.containsKey(certname) ? CertificateState.PENDING
        : CertificateState.UNKNOWN).build();
  }

  private final class Bootstrap extends BootstrapGrpc.BootstrapImplBase {
    @Override
    public void getCaCertificate(GetCaCertificateRequest request,
        StreamObserver<GetCaCertificateResponse> response) {
      response.onNext(GetCaCertificateResponse.newBuilder()
          .setCaCertificatePem(Pem.certificate(ca.certificate())).build());
      response.onCompleted();
    }

    @Override
    public void submitCsr(SubmitCsrRequest request, StreamObserver<CertificateStatus> response) {
      csrs.put(request.getCertname(), request.getCsrPem());
      if (autosign) {
        try {
          sign(request.getCertname());
        } catch (Exception e) {
          response.onError(Status.INTERNAL.withCause(e).asRuntimeException());
          return;
        }
      }
      response.onNext(status(request.getCertname()));
      response.onCompleted();
    }

    @Override
    public void fetchCertificate(FetchCertificateRequest request,
        StreamObserver<CertificateStatus> response) {
      response.onNext(status(request.getCertname()));
      response.onCompleted();
    }
  }

  private final class Catalogs extends CatalogServiceGrpc.CatalogServiceImplBase {
    @Override
    public void getCatalog(GetCatalogRequest request,
        StreamObserver<GetCatalogResponse> response) {
      if (down) {
        response.onError(Status.UNAVAILABLE.withDescription("master down").asRuntimeException());
        return;
      }
      catalogRequests.add(request);
      GetCatalogResponse answer = catalogs.apply(request.getNode());
      // As the real master: a catalog the agent already holds is not sent again.
      if (answer.hasCatalog() && !request.getKnownDigest().isEmpty()
          && answer.getCatalog().getDigest().equals(request.getKnownDigest())) {
        answer = GetCatalogResponse.newBuilder().setUnchanged(true).build();
      }
      answer = answer.toBuilder().setServedBy(address()).build();
      response.onNext(answer);
      response.onCompleted();
    }
  }

  private final class Reports extends ReportServiceGrpc.ReportServiceImplBase {
    @Override
    public void submitReport(SubmitReportRequest request,
        StreamObserver<SubmitReportResponse> response) {
      if (reportsDown || down) {
        response.onError(Status.UNAVAILABLE.withDescription("storage down").asRuntimeException());
        return;
      }
      reports.add(request.getReport());
      response.onNext(SubmitReportResponse.newBuilder().setId(request.getReport().getId())
          .setStored(true).build());
      response.onCompleted();
    }
  }
}
