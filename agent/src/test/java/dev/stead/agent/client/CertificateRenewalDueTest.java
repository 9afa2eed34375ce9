package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateRenewalDueTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static X509Certificate valid(Duration lifetime) throws Exception {
    return TestPki.selfSigned("n", TestPki.ecKey(), START, lifetime, "SHA256withECDSA");
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
