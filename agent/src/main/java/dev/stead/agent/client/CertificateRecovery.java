package dev.stead.agent.client;

import dev.stead.agent.tls.CaTrust;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Picks up a certificate the master issued for this agent's key that the agent never
 * received: the answer to a renewal lost on the way. The master keeps what it issued as the
 * name's current certificate and hands it out through the anonymous
 * {@code Bootstrap/FetchCertificate}; it is adopted only when it is for this agent's own key,
 * signed by the pinned CA, valid now and not issued before the one held, so the call needs no
 * trust in whoever answers beyond the CA. Stateless.
 */
public final class CertificateRecovery {
  private static final long DEADLINE_S = 10;

  private CertificateRecovery() {}

  /**
   * The certificate the master holds for {@code certname}, stored in
   * {@code ssl.certificate()}, when it qualifies (see the class comment); empty when it does
   * not (the master holds {@code current}, or something this agent cannot use).
   *
   * @throws io.grpc.StatusRuntimeException when the master cannot be asked
   */
  public static Optional<X509Certificate> adoptIssued(MasterAddress address, X509Certificate ca,
      KeyPair keys, X509Certificate current, SslFiles ssl, String certname, Clock clock)
      throws IOException {
    ManagedChannel channel = Channels.trustingCa(address, ca);
    CertificateStatus status;
    try {
      status = BootstrapGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .fetchCertificate(FetchCertificateRequest.newBuilder().setCertname(certname).build());
    } finally {
      Channels.close(channel);
    }
    if (status.getState() != CertificateState.SIGNED) {
      return Optional.empty();
    }
    X509Certificate issued;
    try {
      issued = Pem.readCertificate(status.getCertificatePem());
    } catch (IOException e) {
      return Optional.empty();
    }
    if (issued.equals(current)
        || !Arrays.equals(issued.getPublicKey().getEncoded(), keys.getPublic().getEncoded())
        || !CaTrust.issuedBy(List.of(issued), ca)
        || issued.getNotBefore().before(current.getNotBefore())) {
      return Optional.empty();
    }
    try {
      issued.checkValidity(Date.from(clock.instant()));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
    AtomicFiles.write(ssl.certificate(), Pem.certificate(issued).getBytes(StandardCharsets.US_ASCII),
        AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
    return Optional.of(issued);
  }
}
