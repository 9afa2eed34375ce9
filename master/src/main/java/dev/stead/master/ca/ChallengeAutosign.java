package dev.stead.master.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Autosigns a CSR that carries the pre-shared secret as its PKCS#9 challengePassword
 * attribute ({@code openssl req -config ...} with {@code challengePassword}, or the agent's
 * CSR builder). The secret is read once, from a file only its owner may read; it is compared
 * in constant time. Immutable.
 */
public final class ChallengeAutosign implements AutosignPolicy {
  /** A shorter secret can be guessed; refuse to start with one. */
  static final int MIN_LENGTH = 16;
  private final byte[] secret;

  private ChallengeAutosign(byte[] secret) {
    this.secret = secret;
  }

  /**
   * Reads the secret from the first line of {@code file}.
   *
   * @throws IOException when the file is missing, readable by group or others, or holds a
   *     secret shorter than {@value #MIN_LENGTH} characters
   */
  public static ChallengeAutosign fromFile(Path file) throws IOException {
    // Owner-only: it holds the secret that gets a node signed.
    String line = PrivateFiles.readSecretLine(file, "autosign challenge file", MIN_LENGTH);
    return new ChallengeAutosign(line.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean allows(ValidatedCsr csr) {
    Optional<String> offered = CsrValidator.challengePassword(csr.request());
    return offered.isPresent()
        && MessageDigest.isEqual(secret, offered.get().getBytes(StandardCharsets.UTF_8));
  }
}
