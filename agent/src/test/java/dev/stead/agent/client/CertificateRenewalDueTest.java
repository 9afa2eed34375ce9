package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateRenewalDueTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static X509Certificate valid(Duration lifetime) throws Exception {
    var keys = dev.stead.agent.tls.KeyMaterial.generate();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=n"), BigInteger.ONE, Date.from(START), Date.from(START.plus(lifetime)),
        new X500Name("CN=n"), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  @Test
  void aYearLongCertificateIsDueThirtyDaysBeforeExpiry() throws Exception {
    X509Certificate cert = valid(Duration.ofDays(365));

    assertThat(CertificateRenewal.due(cert, START.plus(Duration.ofDays(334)))).isFalse();
    assertThat(CertificateRenewal.due(cert, START.plus(Duration.ofDays(335)))).isTrue();
  }

  @Test
  void aShortCertificateIsDueInItsLastThird() throws Exception {
    X509Certificate cert = valid(Duration.ofDays(3));

    assertThat(CertificateRenewal.due(cert, START.plus(Duration.ofHours(47)))).isFalse();
    assertThat(CertificateRenewal.due(cert, START.plus(Duration.ofHours(48)))).isTrue();
  }
}
