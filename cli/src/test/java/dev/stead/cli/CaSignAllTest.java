package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.client.Channels;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stead ca sign --all} against a real master process: it signs what only one key
 * asked for and leaves the names two keys asked for to the operator.
 */
class CaSignAllTest {
  @TempDir Path tmp;

  @Test
  void signsTheUnambiguousRequestsAndListsTheOthers() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code)) {
      String data = master.data.toString();
      assertThat(InProcess.run("ca", "sign", "--all", "--data", data).out())
          .contains("no pending certificate requests");

      ManagedChannel anonymous = Channels.trustingCa(MasterAddress.parse(master.address),
          Pem.readCertificate(Files.readString(master.data.resolve("ca/ca.pem"))));
      KeyPair web = KeyMaterial.generate();
      KeyPair db = KeyMaterial.generate();
      KeyPair squatter = KeyMaterial.generate();
      try {
        BootstrapGrpc.BootstrapBlockingStub bootstrap = BootstrapGrpc.newBlockingStub(anonymous);
        bootstrap.submitCsr(SubmitCsrRequest.newBuilder().setCertname("web.test")
            .setCsrPem(KeyMaterial.csr(web, "web.test")).build());
        bootstrap.submitCsr(SubmitCsrRequest.newBuilder().setCertname("db.test")
            .setCsrPem(KeyMaterial.csr(db, "db.test")).build());
        bootstrap.submitCsr(SubmitCsrRequest.newBuilder().setCertname("db.test")
            .setCsrPem(KeyMaterial.csr(squatter, "db.test")).build());
      } finally {
        Channels.close(anonymous);
      }

      InProcess all = InProcess.run("ca", "sign", "--all", "--data", data);
      assertThat(all.exitCode()).as(all.toString()).isEqualTo(1);
      assertThat(all.out()).startsWith("signed web.test SHA256:")
          .doesNotContain("db.test");
      assertThat(all.err()).startsWith("stead ca sign: not signed, 1 name that several keys")
          .contains("db.test: ").contains(Fingerprints.ofKey(db.getPublic()))
          .contains(Fingerprints.ofKey(squatter.getPublic()));

      String list = InProcess.run("ca", "list", "--wide", "--data", data).out();
      assertThat(list).containsPattern("signed\\s+web\\.test")
          .containsPattern("pending\\s+db\\.test\\s.*" + Fingerprints.ofKey(db.getPublic()))
          .containsPattern("pending\\s+db\\.test\\s.*"
              + Fingerprints.ofKey(squatter.getPublic()));

      InProcess both = InProcess.run("ca", "sign", "db.test", "--all", "--data", data);
      assertThat(both.exitCode()).isEqualTo(1);
      assertThat(both.err()).contains("give a node's NAME or --all");
    }
  }
}
