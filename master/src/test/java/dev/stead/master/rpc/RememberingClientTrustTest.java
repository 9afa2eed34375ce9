package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.MutableClock;
import dev.stead.testing.TestPki;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The master's client-certificate check: the JDK's PKIX validation against the CA decides,
 * and only what it accepted is remembered, within each certificate's validity.
 */
class RememberingClientTrustTest {
  private final TestPki.Ca ca = new TestPki.Ca("Stead CA");
  private final MutableClock clock = new MutableClock();
  private final CountingPkix pkix = new CountingPkix(RememberingClientTrust.pkixFor(
      ca.certificate()));

  RememberingClientTrustTest() throws Exception {}

  @Test
  void aChainTheCaSignedIsValidatedOnceAndThenRemembered() throws Exception {
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    X509Certificate[] agent = {leaf(ca, "web1")};
    for (int i = 0; i < 3; i++) {
      trust.checkClientTrusted(agent, "EC", (SSLEngine) null);
    }
    assertThat(pkix.calls.get()).isEqualTo(1);
    // The same leaf sent with the CA's certificate behind it is another chain: validated too.
    trust.checkClientTrusted(new X509Certificate[] {agent[0], ca.certificate()}, "EC",
        (SSLEngine) null);
    assertThat(pkix.calls.get()).isEqualTo(2);
    assertThat(trust.size()).isEqualTo(2);
  }

  @Test
  void anotherCasChainIsRefusedEveryTimeAndNeverRemembered() throws Exception {
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    TestPki.Ca stranger = new TestPki.Ca("Stead CA");
    X509Certificate[] forged = {leaf(stranger, "web1")};
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> trust.checkClientTrusted(forged, "EC", (SSLEngine) null))
          .isInstanceOf(CertificateException.class);
    }
    assertThat(pkix.calls.get()).isEqualTo(2);
    assertThat(trust.size()).isZero();
  }

  @Test
  void aRememberedChainPastItsEndGoesBackToTheCaCheck() throws Exception {
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    X509Certificate[] agent = {leaf(ca, "web1")};
    trust.checkClientTrusted(agent, "EC", (SSLEngine) null);
    clock.advance(Duration.ofDays(2)); // TestPki's certificates are valid for a day
    trust.checkClientTrusted(agent, "EC", (SSLEngine) null);
    // Not answered from memory: PKIX (at the real time) judged it again, and a chain this
    // clock calls expired is not kept.
    assertThat(pkix.calls.get()).isEqualTo(2);
    assertThat(trust.size()).isZero();
  }

  @Test
  void anotherKeyTypeIsNotAnsweredFromMemory() throws Exception {
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    X509Certificate[] agent = {leaf(ca, "web1")};
    trust.checkClientTrusted(agent, "EC", (SSLEngine) null);
    try {
      trust.checkClientTrusted(agent, "RSA", (Socket) null);
    } catch (CertificateException refusedByPkix) {
      // either way PKIX decided, not the memory of the EC check
    }
    assertThat(pkix.calls.get()).isEqualTo(2);
  }

  @Test
  void theLeastRecentlyUsedChainsGoBeyondTheCapacity() throws Exception {
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 2, clock);
    X509Certificate[] first = {leaf(ca, "web1")};
    X509Certificate[] second = {leaf(ca, "web2")};
    X509Certificate[] third = {leaf(ca, "web3")};
    trust.checkClientTrusted(first, "EC", (SSLEngine) null);
    trust.checkClientTrusted(second, "EC", (SSLEngine) null);
    trust.checkClientTrusted(first, "EC", (SSLEngine) null); // first is now the most recent
    trust.checkClientTrusted(third, "EC", (SSLEngine) null); // second goes
    assertThat(trust.size()).isEqualTo(2);
    assertThat(pkix.calls.get()).isEqualTo(3);
    trust.checkClientTrusted(first, "EC", (SSLEngine) null);
    assertThat(pkix.calls.get()).isEqualTo(3);
    trust.checkClientTrusted(second, "EC", (SSLEngine) null);
    assertThat(pkix.calls.get()).isEqualTo(4);
  }

  private static X509Certificate leaf(TestPki.Ca issuer, String cn) throws Exception {
    return CountingPkix.leaf(issuer, cn);
  }
}
