package dev.stead.master.code;

import dev.stead.dsl.internal.CompilerIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the master's compile memos name as the code that compiled them: the environment, the
 * contents of its code roots ({@link CodeFingerprint#ofContents}) and Stead's own language and
 * catalog classes. Computed from the files alone, so a master whose code is still loading, or
 * another master with the same code elsewhere on its disk, names the same identity. Stateless.
 */
final class MemoIdentity {
  private MemoIdentity() {}

  /** The identity of {@code environment} compiled from {@code roots}; empty: keep no memos. */
  static Optional<String> of(String environment, List<Path> roots) {
    String build = CompilerIdentity.value();
    if (build.isEmpty()) {
      return Optional.empty();
    }
    String all = environment + "\0" + build + "\0" + CodeFingerprint.ofContents(roots);
    try {
      return Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(all.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
