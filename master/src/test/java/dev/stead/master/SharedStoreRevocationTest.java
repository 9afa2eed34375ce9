package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.proto.v1.AdminServiceGrpc;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.RevokeCertificateRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two masters with one CA on one PostgreSQL store: a node enrolled through one is served by
 * the other, and a revocation made on either is refused by the other within seconds.
 */
class SharedStoreRevocationTest {
  @TempDir Path tmp;
  private final MastersOnOneStore masters = new MastersOnOneStore();

  @AfterEach
  void tearDown() throws Exception {
    masters.close();
  }

  private Master start(Path data, StoreConfig store, boolean caRole) throws Exception {
    return masters.start(new MasterConfig(data, tmp, List.of(), "127.0.0.1", 0, "*")
        .withStore(store).withCaRole(caRole), MastersOnOneStore.EMPTY_CATALOGS);
  }

  private static Status.Code catalogCall(ManagedChannel channel) {
    try {
      CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getCatalog(GetCatalogRequest.newBuilder().setNode("web1").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void aRevocationOnTheCaMasterIsRefusedByTheOtherWithinFiveSeconds() throws Exception {
    revokeOnOneMasterAndExpectTheOtherToRefuse(true);
  }

  @Test
  void aRevocationOnAMasterWithoutTheCaIsRefusedByTheCaMasterWithinFiveSeconds()
      throws Exception {
    revokeOnOneMasterAndExpectTheOtherToRefuse(false);
  }

  /**
   * Enrols web1 through the CA master A, revokes it on A ({@code onCaMaster}) or on B (which
   * shares A's CA through the store without its key), and expects the other master to refuse
   * it within five seconds and to publish it in the CRL it serves.
   */
  private void revokeOnOneMasterAndExpectTheOtherToRefuse(boolean onCaMaster)
      throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    StoreConfig store = StoreConfig.postgres(db, cluster.credentials());
    Path dataA = tmp.resolve("a");
    Master a = start(dataA, store, true);
    Master b = start(tmp.resolve("b"), store, false);
    X509Certificate ca = Pem.readCertificate(dataA.resolve("ca/ca.pem"));
    MastersOnOneStore.Enrolled web1 = masters.enrol(a, ca, "web1");
    X509Certificate certificate = web1.certificate();
    ManagedChannel onA = masters.channel(a, ca, web1);
    ManagedChannel onB = masters.channel(b, ca, web1);
    assertThat(catalogCall(onA)).isEqualTo(Status.Code.OK);
    assertThat(catalogCall(onB)).isEqualTo(Status.Code.OK);

    Master revoking = onCaMaster ? a : b;
    Master other = onCaMaster ? b : a;
    ManagedChannel onRevoking = onCaMaster ? onA : onB;
    ManagedChannel onOther = onCaMaster ? onB : onA;
    // The operator's admin certificate is the CA's, good on every master.
    AdminServiceGrpc.newBlockingStub(masters.channel(revoking, ca,
        Pem.readPrivateKey(dataA.resolve("admin/key.pem")),
        Pem.readCertificate(dataA.resolve("admin/cert.pem"))))
        .revokeCertificate(RevokeCertificateRequest.newBuilder().setCertname("web1").build());
    long revokedAt = System.nanoTime();
    assertThat(catalogCall(onRevoking)).isEqualTo(Status.Code.UNAUTHENTICATED);

    Status.Code onOtherNow = catalogCall(onOther);
    while (onOtherNow == Status.Code.OK && System.nanoTime() - revokedAt < 10_000_000_000L) {
      Thread.sleep(100);
      onOtherNow = catalogCall(onOther);
    }
    long tookMs = (System.nanoTime() - revokedAt) / 1_000_000;
    System.out.println("revocation on the " + (onCaMaster ? "CA master" : "master without the"
        + " CA") + " refused by the other after " + tookMs + " ms");
    assertThat(onOtherNow).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(tookMs).isLessThanOrEqualTo(5_000);
    // Both publish it in the CRL they serve (the CA master signs it once it has seen it).
    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((a.revocations().crl().getRevokedCertificate(certificate.getSerialNumber()) == null
        || b.revocations().crl().getRevokedCertificate(certificate.getSerialNumber()) == null)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(other.revocations().crl().getRevokedCertificate(certificate.getSerialNumber()))
        .isNotNull();
    assertThat(revoking.revocations().crl()
        .getRevokedCertificate(certificate.getSerialNumber())).isNotNull();
  }
}
