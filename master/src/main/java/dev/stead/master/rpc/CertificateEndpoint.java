package dev.stead.master.rpc;

import dev.stead.master.ca.CertificateRegistry;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.RenewCertificateRequest;
import io.grpc.stub.StreamObserver;

/**
 * Certificate renewal over the authenticated channel: the name renewed is always the
 * caller's own, taken from its certificate, never from the request.
 */
public final class CertificateEndpoint extends CertificateServiceGrpc.CertificateServiceImplBase {
  private final CertificateRegistry registry;

  public CertificateEndpoint(CertificateRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void renewCertificate(RenewCertificateRequest request,
      StreamObserver<CertificateStatus> observer) {
    Identity caller = Identity.current();
    Unary.respond(observer, "renewing the certificate of '" + caller.commonName() + "'",
        () -> registry.renew(caller.commonName(),
            caller.certificate().orElseThrow().getSerialNumber(), request.getCsrPem()));
  }
}
