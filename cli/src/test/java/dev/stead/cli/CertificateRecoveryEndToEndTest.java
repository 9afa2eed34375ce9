package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.client.CertificateRenewal;
import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.AdminClient;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.RenewCertificateRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer to a renewal is lost: the master issued a certificate the agent never received.
 * Against a real master process and the real agent, the agent keeps working with the old
 * certificate and then picks up the new one, at its next renewal or when the old one is
 * refused.
 */
class CertificateRecoveryEndToEndTest {
  private static final String NODE = "lost.test";
  @TempDir Path tmp;
  private Path state;
  private SslFiles ssl;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(Files.createDirectories(tmp.resolve("code")).resolve("site.groovy"),
        "node('default') { file('/etc/motd') { content 'hi\\n' } }\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    state = tmp.resolve("state");
    ssl = new SslFiles(state.resolve("ssl"));
  }

  private List<String> agent(MasterProcess master) throws Exception {
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    return List.of("agent", "run", "--once", "--server", master.address, "--certname", NODE,
        "--state", state.toString(), "--root", tmp.resolve("root").toString(),
        "--ca-fingerprint", fingerprint);
  }

  /** Renews over the real channel with the agent's own key and certificate; drops the answer. */
  private X509Certificate renewAndLoseTheAnswer(MasterProcess master) throws Exception {
    KeyPair keys = keys();
    ManagedChannel channel = Channels.mutual(MasterAddress.parse(master.address), ca(),
        keys.getPrivate(), certificate());
    try {
      return Pem.readCertificate(CertificateServiceGrpc.newBlockingStub(channel)
          .renewCertificate(RenewCertificateRequest.newBuilder()
              .setCsrPem(KeyMaterial.csr(keys, NODE)).build())
          .getCertificatePem());
    } finally {
      Channels.close(channel);
    }
  }

  private Status.Code catalogCallWith(MasterProcess master, X509Certificate certificate)
      throws Exception {
    ManagedChannel channel = Channels.mutual(MasterAddress.parse(master.address), ca(),
        keys().getPrivate(), certificate);
    try {
      CatalogServiceGrpc.newBlockingStub(channel)
          .getCatalog(GetCatalogRequest.newBuilder().setNode(NODE).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      Channels.close(channel);
    }
  }

  private KeyPair keys() throws Exception {
    return KeyMaterial.of(Pem.readPrivateKey(Files.readString(ssl.privateKey())));
  }

  private X509Certificate certificate() throws Exception {
    return Pem.readCertificate(Files.readString(ssl.certificate()));
  }

  private X509Certificate ca() throws Exception {
    return Pem.readCertificate(Files.readString(ssl.ca()));
  }

  @Test
  void theOldCertificateWorksUntilTheAgentAdoptsTheNewOneAtItsNextRenewal() throws Exception {
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), tmp.resolve("code"),
        "--autosign", "*.test")) {
      List<String> agent = agent(master);
      assertThat(Cli.run(agent.toArray(String[]::new)).exitCode()).isEqualTo(2);
      X509Certificate old = certificate();

      X509Certificate lost = renewAndLoseTheAnswer(master);

      Cli stillWorks = Cli.run(agent.toArray(String[]::new));
      assertThat(stillWorks.exitCode()).as(stillWorks.toString()).isZero();
      assertThat(certificate()).isEqualTo(old);

      // The renewal is due again (late in the old certificate's life): the agent asks the
      // master what it holds for its key before asking for yet another certificate.
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      X509Certificate used = CertificateRenewal.renewIfDue(MasterAddress.parse(master.address),
          ca(), keys(), old, ssl, NODE, new PrintStream(err, true, StandardCharsets.UTF_8),
          Clock.fixed(old.getNotAfter().toInstant().minus(Duration.ofDays(10)),
              ZoneOffset.UTC));
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("adopted the certificate");
      assertThat(used).isEqualTo(lost);
      assertThat(certificate()).isEqualTo(lost);

      Cli next = Cli.run(agent.toArray(String[]::new));
      assertThat(next.exitCode()).as(next.toString()).isZero();
      // That run was the new certificate's first use: the old one is refused from now on.
      assertThat(catalogCallWith(master, old)).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(catalogCallWith(master, lost)).isEqualTo(Status.Code.OK);
    }
  }

  @Test
  void anAgentWhoseOldCertificateIsRefusedAdoptsTheNewOneAndRuns() throws Exception {
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), tmp.resolve("code"),
        "--autosign", "*.test")) {
      List<String> agent = agent(master);
      assertThat(Cli.run(agent.toArray(String[]::new)).exitCode()).isEqualTo(2);
      X509Certificate old = certificate();
      X509Certificate lost = renewAndLoseTheAnswer(master);
      // Stands in for the end of the grace period (a day): the old one is refused.
      assertThat(catalogCallWith(master, lost)).isEqualTo(Status.Code.OK);
      assertThat(catalogCallWith(master, old)).isEqualTo(Status.Code.UNAUTHENTICATED);

      Cli recovered = Cli.run(agent.toArray(String[]::new));

      assertThat(recovered.exitCode()).as(recovered.toString()).isZero();
      assertThat(recovered.output()).contains("refused this agent's certificate")
          .contains("adopted it");
      assertThat(certificate()).isEqualTo(lost);
      Cli next = Cli.run(agent.toArray(String[]::new));
      assertThat(next.exitCode()).as(next.toString()).isZero();
      assertThat(next.output()).doesNotContain("adopted");
    }
  }
}
