package dev.stead.agent.client;

import dev.stead.agent.tls.CaTrust;
import dev.stead.agent.tls.CapturingTrustManager;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gets the agent from nothing to a signed certificate: fetch and pin the master's CA (checked
 * against {@code --ca-fingerprint}, or trusted on first use when asked), make a key, submit a
 * CSR, and collect the signed certificate. Each step is skipped when its file already exists,
 * so a run after bootstrap makes no bootstrap calls at all. The key's fingerprint is printed
 * with the request, for the operator to compare with what the master lists before signing.
 */
public final class Bootstrapper {
  private static final long BOOTSTRAP_DEADLINE_S = 10;
  private static final long POLL_INTERVAL_MS = 2000;

  private final MasterAddress address;
  private final SslFiles ssl;
  private final String certname;
  private final String caFingerprint;
  private final boolean trustFirstUse;
  private final int waitForCertSeconds;
  private final PrintStream out;
  private Path csrChallenge;

  public Bootstrapper(MasterAddress address, SslFiles ssl, String certname, String caFingerprint,
      boolean trustFirstUse, int waitForCertSeconds, PrintStream out) {
    this.address = address;
    this.ssl = ssl;
    this.certname = certname;
    this.caFingerprint = caFingerprint;
    this.trustFirstUse = trustFirstUse;
    this.waitForCertSeconds = waitForCertSeconds;
    this.out = out;
  }

  /**
   * Sends the first line of {@code file} (unless null) as the CSR's challengePassword; read
   * only when a request is made. Returns this.
   */
  public Bootstrapper withCsrChallenge(Path file) {
    this.csrChallenge = file;
    return this;
  }

  /** The pinned CA, fetching and checking it first when there is none. */
  public X509Certificate ca() throws IOException {
    if (Files.exists(ssl.ca())) {
      return Pem.readCertificate(Files.readString(ssl.ca(), StandardCharsets.US_ASCII));
    }
    CapturingTrustManager capture = new CapturingTrustManager();
    ManagedChannel channel = Channels.bootstrap(address, capture);
    String pem;
    try {
      pem = BootstrapGrpc.newBlockingStub(channel)
          .withDeadlineAfter(BOOTSTRAP_DEADLINE_S, TimeUnit.SECONDS)
          .getCaCertificate(GetCaCertificateRequest.getDefaultInstance())
          .getCaCertificatePem();
    } finally {
      Channels.close(channel);
    }
    X509Certificate ca;
    try {
      ca = Pem.readCertificate(pem);
    } catch (IOException e) {
      throw new AgentFailure("the master at " + address + " sent an unreadable CA certificate");
    }
    checkFingerprint(ca);
    if (!CaTrust.issuedBy(capture.chain(), ca)) {
      throw new AgentFailure("the TLS certificate of the master at " + address
          + " is not signed by the CA it served: refusing to trust it");
    }
    Files.createDirectories(ssl.dir());
    AtomicFiles.write(ssl.ca(), Pem.certificate(ca).getBytes(StandardCharsets.US_ASCII),
        AtomicFiles.Attributes.mode(PosixFilePermissions
            .fromString("rw-r--r--")));
    return ca;
  }

  void checkFingerprint(X509Certificate ca) {
    String actual = Fingerprints.of(ca);
    if (caFingerprint != null && !caFingerprint.isBlank()) {
      if (!Fingerprints.matches(actual, caFingerprint)) {
        throw new AgentFailure("the master's CA fingerprint " + actual
            + " does not match --ca-fingerprint " + caFingerprint.trim()
            + ": refusing to trust it");
      }
      return;
    }
    if (!trustFirstUse) {
      throw new AgentFailure("the master's CA is not trusted yet: pass --ca-fingerprint "
          + "(printed by `stead ca fingerprint` on the master) or --trust-first-use; "
          + "the master presented " + actual);
    }
    out.println("trusting the master's CA on first use: " + actual);
  }

  /** The agent's key pair, generated and stored (0600) when there is none. */
  public KeyPair keys() throws IOException {
    if (Files.exists(ssl.privateKey())) {
      PrivateKey key = Pem.readPrivateKey(
          Files.readString(ssl.privateKey(), StandardCharsets.US_ASCII));
      // With a certificate at hand, its public key is the pair's: deriving it from the
      // private key (d·G) takes Bouncy Castle's curve arithmetic, ~250 classes and a check of
      // its signed jars on every start. Were they not a pair, TLS would refuse them anyway.
      if (Files.exists(ssl.certificate())) {
        return new KeyPair(Pem.readCertificate(Files.readString(ssl.certificate(),
            StandardCharsets.US_ASCII)).getPublicKey(), key);
      }
      return KeyMaterial.of(key);
    }
    KeyPair keys = KeyMaterial.generate();
    Files.createDirectories(ssl.dir());
    AtomicFiles.writePrivate(ssl.privateKey(),
        Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
    return keys;
  }

  /** The agent's signed certificate, requesting it (and waiting, if allowed) when missing. */
  public X509Certificate certificate(X509Certificate ca, KeyPair keys) throws IOException {
    if (Files.exists(ssl.certificate())) {
      return Pem.readCertificate(Files.readString(ssl.certificate(), StandardCharsets.US_ASCII));
    }
    ManagedChannel channel = Channels.trustingCa(address, ca);
    try {
      BootstrapGrpc.BootstrapBlockingStub stub = BootstrapGrpc.newBlockingStub(channel);
      CertificateStatus status = fetch(stub);
      // Submit while nothing is signed, even when a request is pending: it may be someone
      // else's for this name, and ours must be among those the operator sees. The master
      // keeps one request per key, so submitting again is harmless.
      if (status.getState() != CertificateState.SIGNED
          && status.getState() != CertificateState.REVOKED) {
        String csr = KeyMaterial.csr(keys, certname, CsrChallenge.read(csrChallenge));
        status = stub.withDeadlineAfter(BOOTSTRAP_DEADLINE_S, TimeUnit.SECONDS)
            .submitCsr(SubmitCsrRequest.newBuilder().setCertname(certname).setCsrPem(csr).build());
        out.println("submitted a certificate request for " + certname + " with key fingerprint "
            + Fingerprints.ofKey(keys.getPublic()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitForCertSeconds);
      boolean announced = false;
      while (status.getState() == CertificateState.PENDING && waitForCertSeconds > 0
          && System.nanoTime() < deadline) {
        if (!announced) {
          out.println("waiting up to " + waitForCertSeconds + " s for the master to sign the "
              + "certificate for " + certname + " (key fingerprint "
              + Fingerprints.ofKey(keys.getPublic()) + ")");
          announced = true;
        }
        sleep(POLL_INTERVAL_MS);
        status = fetch(stub);
      }
      return save(status, ca, keys);
    } finally {
      Channels.close(channel);
    }
  }

  /** The master's view of our certificate; NOT_FOUND counts as UNKNOWN. */
  private CertificateStatus fetch(BootstrapGrpc.BootstrapBlockingStub stub) {
    try {
      return stub.withDeadlineAfter(BOOTSTRAP_DEADLINE_S, TimeUnit.SECONDS)
          .fetchCertificate(FetchCertificateRequest.newBuilder().setCertname(certname).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return CertificateStatus.newBuilder().setCertname(certname)
            .setState(CertificateState.UNKNOWN).build();
      }
      throw e;
    }
  }

  private X509Certificate save(CertificateStatus status, X509Certificate ca, KeyPair keys)
      throws IOException {
    switch (status.getState()) {
      case SIGNED:
        break;
      case PENDING:
        throw new AgentFailure("certificate for " + certname + " is waiting to be signed. On the"
            + " master, check that `stead ca list` shows this agent's key fingerprint "
            + Fingerprints.ofKey(keys.getPublic()) + " for " + certname + ", then run `stead ca"
            + " sign " + certname + " --fingerprint " + Fingerprints.ofKey(keys.getPublic())
            + "`");
      case REVOKED:
        throw new AgentFailure("the certificate for " + certname + " was revoked on the master");
      default:
        throw new AgentFailure("the master did not take the certificate request for " + certname
            + " (state " + status.getState() + ")");
    }
    X509Certificate cert;
    try {
      cert = Pem.readCertificate(status.getCertificatePem());
    } catch (IOException e) {
      throw new AgentFailure("the master sent an unreadable certificate for " + certname);
    }
    if (!Arrays.equals(cert.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
      throw new AgentFailure("the certificate the master holds for " + certname
          + " is for key " + Fingerprints.ofKey(cert.getPublicKey()) + ", not this agent's key "
          + Fingerprints.ofKey(keys.getPublic()) + " (" + ssl.privateKey()
          + "): clean it on the master or use another --certname");
    }
    if (!CaTrust.issuedBy(List.of(cert), ca)) {
      throw new AgentFailure("the certificate for " + certname + " is not signed by the CA");
    }
    AtomicFiles.write(ssl.certificate(), Pem.certificate(cert).getBytes(StandardCharsets.US_ASCII),
        AtomicFiles.Attributes.mode(PosixFilePermissions
            .fromString("rw-r--r--")));
    out.println("received the signed certificate for " + certname);
    return cert;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentFailure("interrupted while waiting for the certificate");
    }
  }
}
