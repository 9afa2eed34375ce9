package dev.stead.master.rpc;

import dev.stead.master.ca.CaException;
import dev.stead.master.ca.CertificateRegistry;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateResponse;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.Pem;
import io.grpc.stub.StreamObserver;
import java.util.logging.Logger;

/**
 * The anonymous bootstrap service: CA certificate, CSR submission, certificate pickup. A
 * refused CSR is logged with the name it asked for and the peer's address.
 */
public final class BootstrapEndpoint extends BootstrapGrpc.BootstrapImplBase {
  private static final Logger LOG =
      Logger.getLogger(BootstrapEndpoint.class.getName());
  private final CertificateRegistry registry;
  private final GetCaCertificateResponse caResponse;

  public BootstrapEndpoint(CertificateRegistry registry) {
    this.registry = registry;
    this.caResponse = GetCaCertificateResponse.newBuilder()
        .setCaCertificatePem(Pem.certificate(registry.authority().certificate()))
        .build();
  }

  @Override
  public void getCaCertificate(GetCaCertificateRequest request,
      StreamObserver<GetCaCertificateResponse> observer) {
    Unary.respond(observer, "GetCaCertificate", () -> caResponse);
  }

  @Override
  public void submitCsr(SubmitCsrRequest request, StreamObserver<CertificateStatus> observer) {
    Unary.respond(observer, "SubmitCsr", () -> {
      try {
        return registry.submit(request.getCertname(), request.getCsrPem());
      } catch (CaException e) {
        LOG.warning(() -> "CSR refused certname=" + request.getCertname() + " peer="
            + Peer.current() + " reason=" + e.reason() + ": " + e.getMessage());
        throw e;
      }
    });
  }

  @Override
  public void fetchCertificate(FetchCertificateRequest request,
      StreamObserver<CertificateStatus> observer) {
    Unary.respond(observer, "FetchCertificate", () -> registry.fetch(request.getCertname()));
  }
}
