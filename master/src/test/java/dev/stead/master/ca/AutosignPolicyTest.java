package dev.stead.master.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Challenge and command autosigning, with real files and real processes. */
class AutosignPolicyTest {
  private static final String SECRET = "s3cret-shared-by-the-fleet";
  @TempDir Path dir;

  private static ValidatedCsr csr(String name, String challenge) throws Exception {
    return CsrValidator.validate(name, TestPki.csr(name, TestPki.ecKey(), challenge));
  }

  private Path secretFile(String content, String mode) throws IOException {
    Path file = dir.resolve("challenge");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private Path script(String body) throws IOException {
    Path file = dir.resolve("decide.sh");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void challengeSignsOnlyRequestsCarryingTheSecret() throws Exception {
    AutosignPolicy policy = ChallengeAutosign.fromFile(secretFile(SECRET + "\n", "rw-------"));

    assertThat(policy.allows(csr("node1", SECRET))).isTrue();
    assertThat(policy.allows(csr("node1", SECRET + "x"))).isFalse();
    assertThat(policy.allows(csr("node1", null))).isFalse();
  }

  @Test
  void challengeFileMustBePrivateAndLongEnough() throws Exception {
    assertThatThrownBy(() -> ChallengeAutosign.fromFile(secretFile(SECRET, "rw-r--r--")))
        .hasMessageContaining("readable by others");
    assertThatThrownBy(() -> ChallengeAutosign.fromFile(secretFile("short", "rw-------")))
        .hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> ChallengeAutosign.fromFile(dir.resolve("missing")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void commandReceivesTheNameAndCsrAndDecidesByExitCode() throws Exception {
    Path seen = dir.resolve("seen.pem");
    AutosignPolicy policy = CommandAutosign.of(script(
        "cat > " + seen + "\n[ \"$1\" = web01.example.com ]"), Duration.ofSeconds(10));

    assertThat(policy.allows(csr("web01.example.com", null))).isTrue();
    assertThat(Files.readString(seen)).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertThat(policy.allows(csr("db01.example.com", null))).isFalse();
  }

  @Test
  void aCommandThatHangsIsKilledAndRefuses() throws Exception {
    AutosignPolicy policy = CommandAutosign.of(script("sleep 30"), Duration.ofMillis(300));

    long start = System.nanoTime();
    assertThat(policy.allows(csr("node1", null))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingCommandIsAStartupError() {
    assertThatThrownBy(() -> CommandAutosign.of(dir.resolve("nope"), Duration.ofSeconds(1)))
        .hasMessageContaining("is not an executable file");
  }

  @Test
  void configuredPoliciesMustAllAgree() throws Exception {
    AutosignPolicy both = AutosignPolicy.allOf(List.of(AutosignPolicy.glob("*.example.com"),
        ChallengeAutosign.fromFile(secretFile(SECRET, "rw-------"))));

    assertThat(both.allows(csr("web.example.com", SECRET))).isTrue();
    assertThat(both.allows(csr("web.example.org", SECRET))).isFalse();
    assertThat(both.allows(csr("web.example.com", null))).isFalse();
    assertThat(AutosignPolicy.allOf(List.of()).allows(csr("web.example.com", SECRET)))
        .isFalse();
  }
}
