package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.RevokedCertificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CertificateStore}: requests replaced by certificates, revocations kept for good. */
abstract class CertificateStoreContract extends StoreContract {

  @Test
  void signingReplacesThePendingRequestsAndBothSurviveARestart() throws Exception {
    CertificateStore certs = store;
    certs.putCertificate(CertificateRecord.pending("n", List.of("CSR 1", "CSR 2")));
    certs.putCertificate(CertificateRecord.pending("p", "CSR P"));
    assertThat(certs.certificate("n")).contains(
        CertificateRecord.pending("n", List.of("CSR 1", "CSR 2")));
    certs.putCertificate(CertificateRecord.signed("n", "CERT"));

    reopen();

    assertThat(store.certificate("n")).contains(CertificateRecord.signed("n", "CERT"));
    assertThat(store.certificate("other")).isEmpty();
    assertThat(store.certificates()).extracting(CertificateRecord::certname,
        CertificateRecord::state).containsExactly(tuple("n", CertificateState.SIGNED),
            tuple("p", CertificateState.PENDING));
    assertThat(store.pendingCertificates()).containsExactly(
        CertificateRecord.pending("p", "CSR P"));
  }

  @Test
  void aRevokedRecordKeepsItsCertificateAndDeletingForgetsOnlyTheRecord() throws Exception {
    store.putCertificate(CertificateRecord.signed("web1", "CERT"));
    store.putCertificate(new CertificateRecord("web1", CertificateState.REVOKED, List.of(),
        "CERT"));
    store.putRevocation(RevokedCertificate.newBuilder().setSerial("0A").setCertname("web1")
        .setRevokedAtMs(1000).build());
    store.putRevocation(RevokedCertificate.newBuilder().setSerial("01").setCertname("web2")
        .setRevokedAtMs(2000).build());
    // Replacing a revocation (its grace period ended) keeps one entry per serial.
    store.putRevocation(RevokedCertificate.newBuilder().setSerial("0A").setCertname("web1")
        .setRevokedAtMs(1000).setGraceUntilMs(1500).build());
    assertThat(store.certificate("web1")).hasValueSatisfying(r -> {
      assertThat(r.state()).isEqualTo(CertificateState.REVOKED);
      assertThat(r.certificatePem()).isEqualTo("CERT");
    });

    store.deleteCertificate("web1");
    store.deleteCertificate("never-known");
    reopen();

    assertThat(store.certificate("web1")).isEmpty();
    assertThat(store.certificates()).isEmpty();
    assertThat(store.revocations()).extracting(RevokedCertificate::getSerial,
        RevokedCertificate::getGraceUntilMs).containsExactly(tuple("01", 0L), tuple("0A", 1500L));
  }
}
