package dev.stead.master.rpc;

import dev.stead.master.ca.CertificateRegistry;
import dev.stead.master.ca.Pem;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateResponse;
import dev.stead.proto.v1.SubmitCsrRequest;
import io.grpc.stub.StreamObserver;

/** The anonymous bootstrap service: CA certificate, CSR submission, certificate pickup. */
public final class BootstrapEndpoint extends BootstrapGrpc.BootstrapImplBase {
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
    Unary.respond(observer, "SubmitCsr",
        () -> registry.submit(request.getCertname(), request.getCsrPem()));
  }

  @Override
  public void fetchCertificate(FetchCertificateRequest request,
      StreamObserver<CertificateStatus> observer) {
    Unary.respond(observer, "FetchCertificate", () -> registry.fetch(request.getCertname()));
  }
}
