package dev.stead.agent.secrets;

import static dev.stead.agent.resource.RootOnly.assumeRootWith;
import static dev.stead.agent.resource.RootOnly.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A throwaway account whose password hash comes as a secret and whose expiry is set, through
 * the real shadow tools and the real converger with node secrets: /etc/shadow holds the hash,
 * reports and state never do.
 */
class UserPasswordContractTest extends ResourceTypeContract {
  // A SHA-512 crypt hash of a password nobody uses; the test account never logs in.
  private static final String HASH = "$6$steadsalt$5nQ2CMuyUv0zd8Ke3JfT2qDdFzYwEuV1xC4f9bLyM"
      + "hG9bqVd0PpJqRz8p7qC1sXy3lZ8nM1vB6wE2aT4kU0o/";
  private static final String KEYED_HASH = "c".repeat(64);
  private static final String EXPIRY = "2031-05-17";

  private final String user = UNIQUE.replace('-', '_') + "p";
  private final KeyPair node = KeyMaterial.generate();

  @BeforeEach
  void tools() {
    assumeRootWith("useradd", "usermod", "userdel", "chage");
  }

  @Override
  protected Path root() {
    return Path.of("/");
  }

  private Resource account(String expiry) {
    return resource("user", user, "expiry", expiry).toBuilder()
        .putParameters("password", Value.newBuilder().setSecretValue(SecretRef.newBuilder()
            .setKeyId("0123456789abcdef").setKeyedHash(KEYED_HASH)).build()).build();
  }

  @Override
  protected List<Resource> resources() {
    return List.of(account(EXPIRY));
  }

  @Override
  protected Report converge(Catalog catalog, boolean noop) {
    try {
      NodeSecrets secrets = NodeSecrets.of(Map.of(KEYED_HASH,
          SecretsConvergeTest.envelope(HASH, SecretsConvergeTest.certificate(node))),
          node.getPrivate());
      return new Converger(new ConvergeOptions(root(), state, noop))
          .converge(catalog, Progress.NONE, secrets);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String[] shadow() {
    String line = sh("getent shadow " + user).stdout().strip();
    return line.split(":", -1);
  }

  @Override
  protected void verifyConverged() {
    String[] f = shadow();
    assertThat(f[1]).isEqualTo(HASH);
    assertThat(f[7]).isEqualTo(Long.toString(LocalDate.parse(EXPIRY).toEpochDay()));
    assertThat(sh("chage -l " + user).stdout()).contains("Account expires")
        .contains("2031");
  }

  @Override
  protected void tamper() {
    assertThat(sh("usermod -p '$6$other$tampered' " + user + " && chage -E -1 " + user).ok())
        .isTrue();
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(Path.of("/etc/passwd"), Path.of("/etc/shadow"));
  }

  @Override
  protected void cleanUp() {
    sh("userdel " + user + " 2>/dev/null; true");
  }

  /** The report marks the password as a secret and holds neither the new nor the old hash. */
  @Test
  void hashesNeverReachTheReportOrState() throws Exception {
    Report made = converge(catalog(), false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    Event created = events(made).stream().filter(e -> e.getProperty().equals("password"))
        .findFirst().orElseThrow();
    assertThat(created.getSensitive()).isTrue();
    assertThat(created.getBefore()).isEqualTo("[secret]");
    assertThat(created.getAfter()).isEqualTo("[secret 0123456789abcdef:" + KEYED_HASH + "]");

    tamper();
    Report repaired = converge(catalog(), false);
    assertThat(events(repaired)).extracting(Event::getProperty)
        .containsExactlyInAnyOrder("password", "expiry");
    Event password = events(repaired).stream().filter(e -> e.getProperty().equals("password"))
        .findFirst().orElseThrow();
    assertThat(password.getBefore()).isEqualTo("[secret]");
    assertThat(shadow()[1]).isEqualTo(HASH);
    for (Report r : List.of(made, repaired)) {
      assertThat(r.toString()).doesNotContain(HASH).doesNotContain("tampered")
          .doesNotContain("steadsalt");
    }
    assertThat(everything(state)).doesNotContain("steadsalt").doesNotContain("tampered");
  }

  /** `expiry 'absent'` clears the date (shadow's field 8 empty), and stays in sync. */
  @Test
  void expiryAbsentRemovesTheDate() {
    converge(catalog(), false);
    assertThat(shadow()[7]).isNotEmpty();

    Catalog never = Catalogs4Test.catalog().resource(account("absent")).build();
    Report cleared = converge(never, false);
    assertThat(events(cleared)).as(cleared.toString()).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("expiry");
      assertThat(e.getBefore()).isEqualTo(EXPIRY);
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(shadow()[7]).isEmpty();
    assertThat(sh("chage -l " + user).stdout()).containsPattern("Account expires\\s*: never");

    assertThat(events(converge(never, false))).isEmpty();
  }

  /** A hash given as a plain string still never shows: the event holds a digest mark. */
  @Test
  void plainHashShowsAsAMark() throws Exception {
    Catalog plain = Catalogs4Test.catalog()
        .resource(resource("user", user, "password", HASH)).build();
    Report made = converge(plain, false);
    assertThat(made.getSummary().getFailed()).as(made.toString()).isZero();
    assertThat(shadow()[1]).isEqualTo(HASH);
    Event password = events(made).stream().filter(e -> e.getProperty().equals("password"))
        .findFirst().orElseThrow();
    assertThat(password.getSensitive()).isTrue();
    assertThat(password.getAfter()).matches("\\[secret sha256:[0-9a-f]{16}\\]");
    assertThat(made.toString()).doesNotContain("steadsalt");
    assertThat(everything(state)).doesNotContain("steadsalt");
    assertThat(events(converge(plain, false))).isEmpty();
  }

  private static String everything(Path dir) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
