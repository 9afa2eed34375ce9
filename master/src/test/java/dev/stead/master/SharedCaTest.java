package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.CertificateServiceGrpc;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.FetchCertificateRequest;
import dev.stead.proto.v1.RenewCertificateRequest;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One CA for two masters on one PostgreSQL store: the master without the CA key keeps the
 * requests and renewals it receives in the database and the CA master signs them.
 */
class SharedCaTest {
  @TempDir Path tmp;
  private final MastersOnOneStore masters = new MastersOnOneStore();

  @AfterEach
  void tearDown() throws Exception {
    masters.close();
  }

  private Master start(MasterConfig config) throws Exception {
    return masters.start(config, MastersOnOneStore.EMPTY_CATALOGS);
  }

  private ManagedChannel channel(Master master, X509Certificate ca, KeyPair key,
      X509Certificate certificate) throws Exception {
    return masters.channel(master, ca, key == null ? null : key.getPrivate(), certificate);
  }

  private static CertificateStatus awaitStatus(ManagedChannel channel, String certname,
      Predicate<CertificateStatus> done) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    CertificateStatus status;
    do {
      status = BootstrapGrpc.newBlockingStub(channel).fetchCertificate(
          FetchCertificateRequest.newBuilder().setCertname(certname).build());
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return status;
  }

  @Test
  void theMasterWithoutTheCaKeepsRequestsAndRenewalsThatTheCaMasterSigns() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    StoreConfig store = StoreConfig.postgres(cluster.createDatabase(), cluster.credentials());
    Master a = start(new MasterConfig(tmp.resolve("a"), tmp, List.of(), "127.0.0.1", 0, "*")
        .withStore(store));
    Master b = start(new MasterConfig(tmp.resolve("b"), tmp, List.of(), "127.0.0.1", 0, "*")
        .withStore(store).withCaRole(false));
    assertThat(b.caFingerprint()).isEqualTo(a.caFingerprint());
    assertThat(tmp.resolve("b/ca/ca_key.pem")).doesNotExist();
    X509Certificate ca = Pem.readCertificate(tmp.resolve("b/ca/ca.pem"));

    KeyPair key = TestPki.ecKey();
    ManagedChannel anonymousB = channel(b, ca, null, null);
    CertificateStatus submitted = BootstrapGrpc.newBlockingStub(anonymousB).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname("web1").setCsrPem(TestPki.csr("web1", key))
            .build());
    assertThat(submitted.getState()).isEqualTo(CertificateState.PENDING);
    CertificateStatus signed = awaitStatus(anonymousB, "web1",
        s -> s.getState() == CertificateState.SIGNED);
    assertThat(signed.getState()).isEqualTo(CertificateState.SIGNED);
    X509Certificate first = Pem.parseCertificate(signed.getCertificatePem());
    first.verify(ca.getPublicKey());

    ManagedChannel nodeOnB = channel(b, ca, key, first);
    assertThatThrownBy(() -> CertificateServiceGrpc.newBlockingStub(nodeOnB).renewCertificate(
            RenewCertificateRequest.newBuilder().setCsrPem(TestPki.csr("web1", key)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("stored the renewal of 'web1'");
        });
    CertificateStatus renewed = awaitStatus(anonymousB, "web1",
        s -> !s.getCertificatePem().equals(signed.getCertificatePem()));
    X509Certificate second = Pem.parseCertificate(renewed.getCertificatePem());
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(second.getPublicKey()).isEqualTo(first.getPublicKey());
    // A records the supersession just after storing the new certificate B already shows.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (a.revocations().supersededBy(second.getSerialNumber()).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(a.revocations().supersededBy(second.getSerialNumber())).isPresent();
  }
}
