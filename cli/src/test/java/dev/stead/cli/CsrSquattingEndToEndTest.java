package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.master.AdminClient;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who is not the node asks for its name before the node does, against a real master
 * process and the real agent: the operator sees both keys, `stead ca sign` refuses to guess,
 * and signing the fingerprint the agent printed gives the agent its certificate.
 */
class CsrSquattingEndToEndTest {
  private static final String NODE = "web.example";
  @TempDir Path tmp;

  @Test
  void theOperatorSignsTheKeyTheAgentPrintedNotTheOneThatCameFirst() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/enrolled') { content 'yes\\n' } }\n");
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code)) {
      String caFingerprint;
      try (AdminClient admin = master.admin()) {
        caFingerprint = admin.caFingerprint();
      }
      String data = master.data.toString();
      MasterAddress address = MasterAddress.parse(master.address);
      X509Certificate ca =
          Pem.readCertificate(Files.readString(master.data.resolve("ca/ca.pem")));
      KeyPair squatter = KeyMaterial.generate();
      ManagedChannel anonymous = Channels.trustingCa(address, ca);
      try {
        CertificateStatus squatted = BootstrapGrpc.newBlockingStub(anonymous).submitCsr(
            SubmitCsrRequest.newBuilder().setCertname(NODE)
                .setCsrPem(KeyMaterial.csr(squatter, NODE)).build());
        assertThat(squatted.getState()).isEqualTo(CertificateState.PENDING);

        Path state = tmp.resolve("state");
        Files.createDirectories(tmp.resolve("root/etc"));
        List<String> agent = List.of("agent", "run", "--once", "--server", master.address,
            "--certname", NODE, "--state", state.toString(), "--root",
            tmp.resolve("root").toString(), "--ca-fingerprint", caFingerprint);
        Cli waiting = Cli.run(agent.toArray(String[]::new));
        assertThat(waiting.exitCode()).as(waiting.toString()).isEqualTo(1);
        String own = Fingerprints.ofKey(KeyMaterial.of(Pem.readPrivateKey(
            Files.readString(state.resolve("ssl/private_key.pem")))).getPublic());
        String theirs = Fingerprints.ofKey(squatter.getPublic());
        assertThat(waiting.output())
            .contains("submitted a certificate request for " + NODE + " with key fingerprint "
                + own)
            .contains("stead ca sign " + NODE + " --fingerprint " + own);

        Cli list = Cli.inThisJvm("ca", "list", "--wide", "--data", data);
        assertThat(list.output())
            .containsPattern("pending\\s+" + NODE.replace(".", "\\.") + "\\s.*" + theirs)
            .containsPattern("pending\\s+" + NODE.replace(".", "\\.") + "\\s.*" + own);

        Cli guess = Cli.inThisJvm("ca", "sign", NODE, "--data", data);
        assertThat(guess.exitCode()).as(guess.toString()).isEqualTo(1);
        assertThat(guess.output()).contains("2 different keys asked for '" + NODE + "'")
            .contains(theirs).contains(own).contains("--fingerprint");

        Cli sign = Cli.inThisJvm("ca", "sign", NODE, "--fingerprint", own, "--data", data);
        assertThat(sign.exitCode()).as(sign.toString()).isZero();
        assertThat(sign.output()).contains("signed " + NODE);

        Cli enrolled = Cli.run(agent.toArray(String[]::new));
        assertThat(enrolled.exitCode()).as(enrolled.toString()).isEqualTo(2);
        assertThat(tmp.resolve("root/etc/enrolled")).hasContent("yes");
        // What the squatter can fetch now is of no use without the node's key.
        String issued = BootstrapGrpc.newBlockingStub(anonymous).fetchCertificate(
            FetchCertificateRequest.newBuilder().setCertname(NODE).build()).getCertificatePem();
        assertThat(Pem.readCertificate(issued).getPublicKey()).isNotEqualTo(squatter.getPublic());
      } finally {
        Channels.close(anonymous);
      }
    }
  }
}
