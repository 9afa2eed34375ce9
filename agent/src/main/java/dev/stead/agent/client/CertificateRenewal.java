package dev.stead.agent.client;

import dev.stead.agent.tls.CaTrust;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.RenewCertificateRequest;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.CallFailures;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renews the agent's certificate before it expires, over the mutually authenticated channel
 * (the master's {@code RenewCertificate}, which renews only the caller's own name), keeping
 * the same key. Due when less than a third of the lifetime or {@link #MAX_MARGIN} remains,
 * whichever is less, so a 1-year certificate renews 30 days ahead. A failed renewal never
 * fails the run: the current certificate is still valid, it is said on {@code err}, and the
 * next run tries again. Before asking for a new certificate it picks up one the master
 * already issued for this key ({@link CertificateRecovery}): the answer to the last renewal
 * may have been lost, and the master then keeps the old certificate valid only for a grace
 * period.
 */
public final class CertificateRenewal {
  /** Renew at the latest this long before expiry. */
  public static final Duration MAX_MARGIN = Duration.ofDays(30);
  private static final long DEADLINE_S = 30;

  private CertificateRenewal() {}

  /** True when {@code certificate} should be renewed at {@code now}. */
  public static boolean due(X509Certificate certificate, Instant now) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration third = Duration.between(notBefore, notAfter).dividedBy(3);
    Duration margin = third.compareTo(MAX_MARGIN) < 0 ? third : MAX_MARGIN;
    return !now.isBefore(notAfter.minus(margin));
  }

  /**
   * Returns the certificate to use for this run: {@code current} when not due or when the
   * renewal failed, else the renewed one, already stored in {@code ssl.certificate()}.
   */
  public static X509Certificate renewIfDue(MasterAddress address, X509Certificate ca,
      KeyPair keys, X509Certificate current, SslFiles ssl, String certname, PrintStream err) {
    return renewIfDue(address, ca, keys, current, ssl, certname, err, Clock.systemUTC());
  }

  /** As above, deciding "due" by {@code clock} (tests: a clock set ahead). */
  public static X509Certificate renewIfDue(MasterAddress address, X509Certificate ca,
      KeyPair keys, X509Certificate current, SslFiles ssl, String certname, PrintStream err,
      Clock clock) {
    if (!due(current, clock.instant())) {
      return current;
    }
    try {
      Optional<X509Certificate> adopted = CertificateRecovery.adoptIssued(address, ca, keys,
          current, ssl, certname, clock);
      if (adopted.isPresent()) {
        err.println("stead agent run: adopted the certificate the master issued for this agent's"
            + " key at an earlier renewal whose answer never arrived; it expires "
            + adopted.get().getNotAfter().toInstant());
        if (!due(adopted.get(), clock.instant())) {
          return adopted.get();
        }
        current = adopted.get();
      }
    } catch (StatusRuntimeException | IOException e) {
      // The renewal below meets the same trouble and says what it is.
    }
    ManagedChannel channel = Channels.mutual(address, ca, keys.getPrivate(), current);
    try {
      CertificateStatus status = CertificateServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
          .renewCertificate(RenewCertificateRequest.newBuilder()
              .setCsrPem(KeyMaterial.csr(keys, certname)).build());
      X509Certificate renewed = check(status, ca, keys);
      AtomicFiles.write(ssl.certificate(),
          Pem.certificate(renewed).getBytes(StandardCharsets.US_ASCII),
          AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-r--r--")));
      err.println("stead agent run: renewed the certificate of " + certname + "; it now expires "
          + renewed.getNotAfter().toInstant());
      return renewed;
    } catch (StatusRuntimeException e) {
      err.println("stead agent run: could not renew the certificate (expires "
          + current.getNotAfter().toInstant() + "): " + CallFailures.describe(e, address.toString()));
    } catch (IOException | AgentFailure e) {
      err.println("stead agent run: could not renew the certificate (expires "
          + current.getNotAfter().toInstant() + "): " + e.getMessage());
    } finally {
      Channels.close(channel);
    }
    return current;
  }

  private static X509Certificate check(CertificateStatus status, X509Certificate ca,
      KeyPair keys) throws IOException {
    if (status.getState() != CertificateState.SIGNED) {
      throw new AgentFailure("the master answered " + status.getState());
    }
    X509Certificate renewed = Pem.readCertificate(status.getCertificatePem());
    if (!Arrays.equals(renewed.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
      throw new AgentFailure("the renewed certificate is not for this agent's key");
    }
    if (!CaTrust.issuedBy(List.of(renewed), ca)) {
      throw new AgentFailure("the renewed certificate is not signed by the pinned CA");
    }
    return renewed;
  }
}
