package dev.stead.master;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The master's trust settings beyond {@link MasterConfig}: protocol versions and the autosign
 * policies that need a secret or a program. Immutable; every setting defaults to the safe
 * choice ({@link #defaults()}).
 *
 * @param allowTls12 accept TLS 1.2 (forward-secret AEAD suites only) as well as TLS 1.3
 * @param autosignChallengeFile autosign a CSR whose PKCS#9 challengePassword equals the first
 *     line of this file (mode 0600, at least 16 characters)
 * @param autosignCommand autosign a CSR when this executable, given the certname as argument
 *     and the CSR PEM on stdin, exits 0 within 10 s
 */
public record TrustConfig(boolean allowTls12, Optional<Path> autosignChallengeFile,
    Optional<Path> autosignCommand) {

  public TrustConfig {
    autosignChallengeFile = autosignChallengeFile == null ? Optional.empty()
        : autosignChallengeFile;
    autosignCommand = autosignCommand == null ? Optional.empty() : autosignCommand;
  }

  /** TLS 1.3 only, no challenge, no command. */
  public static TrustConfig defaults() {
    return new TrustConfig(false, Optional.empty(), Optional.empty());
  }
}
