package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.tls.KeyMaterial;
import dev.stead.wire.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrChallengeTest {
  @TempDir Path dir;

  @Test
  void theFirstLineTravelsAsTheChallengePassword() throws Exception {
    Path file = dir.resolve("challenge");
    Files.writeString(file, "  s3cret-enrolment-ü \nsecond line\n");
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(
        Pem.decode(KeyMaterial.csr(KeyMaterial.generate(),
        "web1.test", CsrChallenge.read(file)), Pem.CERTIFICATE_REQUEST));
    Attribute[] attributes =
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
    assertThat(attributes).hasSize(1);
    assertThat(((ASN1String) attributes[0].getAttributeValues()[0]).getString())
        .isEqualTo("s3cret-enrolment-ü");
    assertThat(new PKCS10CertificationRequest(
        Pem.decode(KeyMaterial.csr(KeyMaterial.generate(), "web1.test"), Pem.CERTIFICATE_REQUEST))
        .getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword)).isEmpty();
  }

  @Test
  void missingOrEmptyFilesAreClearErrors() throws Exception {
    assertThat(CsrChallenge.read(null)).isNull();
    assertThatThrownBy(() -> CsrChallenge.read(dir.resolve("none")))
        .hasMessageContaining("--csr-challenge file").hasMessageContaining("does not exist");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> CsrChallenge.read(empty)).hasMessageContaining("no challenge");
  }
}
