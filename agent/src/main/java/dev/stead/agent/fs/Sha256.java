package dev.stead.agent.fs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in lower-case hex, as {@code Catalogs.sha256Hex} gives it, with one digest per
 * thread: {@code MessageDigest.getInstance} looks the provider up and builds the digest
 * reflectively on every call, which at a thousand files a run cost more than hashing 1 KiB.
 * Thread-safe.
 */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST =
      ThreadLocal.withInitial(Sha256::newDigest);

  private Sha256() {}

  /** A fresh digest, for content hashed as it streams past (not the per-thread one). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static String hex(byte[] bytes) {
    MessageDigest sha = DIGEST.get();
    sha.reset();
    return HexFormat.of().formatHex(sha.digest(bytes));
  }
}
