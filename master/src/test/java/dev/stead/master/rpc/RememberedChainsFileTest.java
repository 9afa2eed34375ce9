package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.MutableClock;
import dev.stead.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client chains a master accepted outlive its restart: a file beside its data, read at
 * start, and what cannot be trusted to be that master's own (another CA, a file cut short,
 * chains past their end) is left out.
 */
class RememberedChainsFileTest {
  private static final Duration RARELY = Duration.ofHours(1);
  private final TestPki.Ca ca = new TestPki.Ca("Stead CA");
  private final MutableClock clock = new MutableClock();
  @TempDir Path tmp;

  RememberedChainsFileTest() throws Exception {}

  private CountingPkix pkix(TestPki.Ca of) {
    return new CountingPkix(RememberingClientTrust.pkixFor(of.certificate()));
  }

  /** What a master whose TLS accepted the chains of {@code nodes} leaves in {@code file}. */
  private void acceptedThenStopped(Path file, String... nodes) throws Exception {
    RememberingClientTrust old = trust(ca);
    try (RememberedChainsFile kept = RememberedChainsFile.keep(old, file, ca.certificate(),
        RARELY)) {
      for (String node : nodes) {
        old.checkClientTrusted(new X509Certificate[] {CountingPkix.leaf(ca, node)}, "EC",
            (SSLEngine) null);
      }
    }
  }

  private RememberingClientTrust trust(TestPki.Ca of) {
    return new RememberingClientTrust(pkix(of), of.certificate(), 10, clock);
  }

  /** What a master started with {@code file} remembers once its restore is done. */
  private static void restore(RememberingClientTrust trust, Path file, TestPki.Ca ca)
      throws InterruptedException {
    try (RememberedChainsFile kept = RememberedChainsFile.keep(trust, file, ca.certificate(),
        RARELY)) {
      kept.awaitRestored();
    }
  }

  @Test
  void chainsAcceptedBeforeARestartAreNotValidatedAgain() throws Exception {
    Path file = tmp.resolve("client-chains");
    X509Certificate[] web1 = {CountingPkix.leaf(ca, "web1")};
    X509Certificate[] web2 = {CountingPkix.leaf(ca, "web2"), ca.certificate()};
    RememberingClientTrust before = trust(ca);
    try (RememberedChainsFile kept = RememberedChainsFile.keep(before, file, ca.certificate(),
        RARELY)) {
      before.checkClientTrusted(web1, "EC", (SSLEngine) null);
      before.checkClientTrusted(web2, "EC", (SSLEngine) null);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(tmp.resolve("client-chains.tmp")).doesNotExist();

    CountingPkix pkix = pkix(ca);
    RememberingClientTrust after = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    try (RememberedChainsFile kept = RememberedChainsFile.keep(after, file, ca.certificate(),
        RARELY)) {
      kept.awaitRestored();
      assertThat(after.earlierChains()).isEqualTo(2);
      after.checkClientTrusted(web1, "EC", (SSLEngine) null);
      after.checkClientTrusted(web2, "EC", (SSLEngine) null);
      assertThat(pkix.calls.get()).as("chains validated again after the restart").isZero();
      after.checkClientTrusted(new X509Certificate[] {CountingPkix.leaf(ca, "web3")}, "EC",
          (SSLEngine) null);
      assertThat(pkix.calls.get()).isEqualTo(1);
    }
    RememberingClientTrust third = trust(ca);
    restore(third, file, ca);
    assertThat(third.earlierChains()).as("the chain first accepted after the restart, saved too")
        .isEqualTo(3);
  }

  @Test
  void theChainsAreSavedWhileTheMasterRunsNotOnlyWhenItStops() throws Exception {
    Path file = tmp.resolve("client-chains");
    RememberingClientTrust trust = trust(ca);
    try (RememberedChainsFile kept = RememberedChainsFile.keep(trust, file, ca.certificate(),
        Duration.ofMillis(20))) {
      trust.checkClientTrusted(new X509Certificate[] {CountingPkix.leaf(ca, "web1")}, "EC",
          (SSLEngine) null);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!Files.exists(file) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      // A master killed now (no close) finds them at its next start.
      RememberingClientTrust restarted = trust(ca);
      restarted.rememberEarlier(RememberedChainsFile.read(file,
          RememberedChainsFile.digestOf(ca.certificate())));
      assertThat(restarted.earlierChains()).isEqualTo(1);
    }
  }

  @Test
  void aFileWrittenUnderAnotherCaIsIgnored() throws Exception {
    Path file = tmp.resolve("client-chains");
    acceptedThenStopped(file, "web1");
    TestPki.Ca newCa = new TestPki.Ca("Stead CA");
    RememberingClientTrust trust = trust(newCa);
    restore(trust, file, newCa);
    assertThat(trust.earlierChains()).isZero();
  }

  @Test
  void aFileCutShortOrGrownIsIgnoredWholeAndTheMasterStillStarts() throws Exception {
    Path file = tmp.resolve("client-chains");
    acceptedThenStopped(file, "web1", "web2", "web3");
    byte[] whole = Files.readAllBytes(file);
    for (byte[] damaged : new byte[][] {Arrays.copyOf(whole, whole.length - 5),
        Arrays.copyOf(whole, whole.length + 1), Arrays.copyOf(whole, 20), new byte[0]}) {
      Files.write(file, damaged);
      RememberingClientTrust trust = trust(ca);
      restore(trust, file, ca);
      assertThat(trust.earlierChains())
          .as("restored from %d of %d bytes", damaged.length, whole.length).isZero();
    }
  }

  @Test
  void chainsPastTheirEndAreNotAnsweredFromTheFile() throws Exception {
    Path file = tmp.resolve("client-chains");
    X509Certificate[] web1 = {CountingPkix.leaf(ca, "web1")};
    RememberingClientTrust old = trust(ca);
    try (RememberedChainsFile kept = RememberedChainsFile.keep(old, file, ca.certificate(),
        RARELY)) {
      old.checkClientTrusted(web1, "EC", (SSLEngine) null);
    }
    clock.advance(Duration.ofDays(2)); // TestPki's certificates are valid for a day
    CountingPkix pkix = pkix(ca);
    RememberingClientTrust trust = new RememberingClientTrust(pkix, ca.certificate(), 10, clock);
    restore(trust, file, ca);
    trust.checkClientTrusted(web1, "EC", (SSLEngine) null);
    // PKIX judged it (at the real time), and a chain this clock calls expired is not kept.
    assertThat(pkix.calls.get()).isEqualTo(1);
    assertThat(trust.size()).isZero();
    assertThat(trust.worthKeeping()).as("what the next save would write").isEmpty();
  }
}
