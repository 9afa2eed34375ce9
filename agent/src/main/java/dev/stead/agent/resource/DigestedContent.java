package dev.stead.agent.resource;

/**
 * A checkable whose desired state includes the SHA-256 of bytes it holds (a file's content):
 * hashing those on every run costs more than checking the machine, so the digest is computed
 * lazily and may be seeded from an earlier run over the same catalog (see
 * {@code dev.stead.agent.engine.DigestMemo}, which checks that the bytes are the same ones).
 */
public interface DigestedContent {
  /** The bytes whose digest is part of the desired state; null when there are none. */
  byte[] digestedContent();

  /** {@code sha256:<hex>} when already computed or seeded, else null. */
  String knownDigest();

  /** Supplies {@code sha256:<hex>} of {@link #digestedContent()}, computed earlier. */
  void seedDigest(String digest);
}
