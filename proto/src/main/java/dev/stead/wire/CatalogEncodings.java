package dev.stead.wire;

import com.google.protobuf.CodedOutputStream;
import dev.stead.proto.v1.Catalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The encodings of the catalogs sealed last in this JVM, so that a catalog is serialized once
 * per compile rather than three times. Sealing a catalog already serializes it (the digest is
 * taken over those bytes); the master then stores it and sends it, and each of those
 * serialized it again: 400 KB at a thousand resources, about a tenth of a check-in's CPU
 * between them when facts change every run.
 *
 * <p>Catalogs are found by instance, never by content or digest: a catalog that only carries
 * the digest of another is never taken for it. The instances are held weakly and the bytes
 * within a fixed budget, oldest out first; a catalog not found (sealed in another JVM, or long
 * ago) is serialized as before. Thread-safe.
 */
public final class CatalogEncodings {
  /** The bytes held at most: a few catalogs per compile thread, between seal and send. */
  static final long BUDGET_BYTES = 8L << 20;

  private record Held(WeakReference<Catalog> catalog, byte[] encoding) {}

  private static final ArrayDeque<Held> HELD = new ArrayDeque<>();
  private static long heldBytes;

  private CatalogEncodings() {}

  /** The bytes held now. */
  static long heldBytes() {
    synchronized (HELD) {
      return heldBytes;
    }
  }

  /**
   * The encoding of {@code catalog}: the one remembered when it was sealed, else its
   * serialization now. Either parses back to an equal catalog. The array may be shared with
   * other holders: it must not be modified.
   */
  public static byte[] encoded(Catalog catalog) {
    synchronized (HELD) {
      for (Held held : HELD) {
        if (held.catalog().get() == catalog) {
          return held.encoding();
        }
      }
    }
    return catalog.toByteArray();
  }

  /**
   * Remembers the encoding of {@code sealed}, whose deterministic serialization without its
   * digest is {@code withoutDigest}. The digest is the catalog's last field, so the two
   * together are its deterministic serialization byte for byte.
   */
  static Catalog remember(Catalog sealed, byte[] withoutDigest) {
    return hold(sealed, appendDigest(withoutDigest, sealed.getDigest()));
  }

  /**
   * The catalog {@code encoding} holds, its encoding remembered: a catalog kept as bytes (as
   * the compile cache keeps them) is parsed back and then stored or sent without being
   * serialized again.
   */
  public static Catalog parse(byte[] encoding) {
    try {
      return hold(Catalog.parseFrom(encoding), encoding);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a catalog's own encoding does not parse: "
          + e.getMessage(), e);
    }
  }

  private static Catalog hold(Catalog catalog, byte[] encoding) {
    if (encoding.length > BUDGET_BYTES) {
      return catalog;
    }
    synchronized (HELD) {
      HELD.addLast(new Held(new WeakReference<>(catalog), encoding));
      heldBytes += encoding.length;
      for (Iterator<Held> it = HELD.iterator(); it.hasNext() && heldBytes > BUDGET_BYTES; ) {
        heldBytes -= it.next().encoding().length;
        it.remove();
      }
    }
    return catalog;
  }

  private static byte[] appendDigest(byte[] withoutDigest, String digest) {
    byte[] text = digest.getBytes(StandardCharsets.UTF_8);
    int field = CodedOutputStream.computeTagSize(Catalog.DIGEST_FIELD_NUMBER)
        + CodedOutputStream.computeUInt32SizeNoTag(text.length) + text.length;
    byte[] out = new byte[withoutDigest.length + field];
    System.arraycopy(withoutDigest, 0, out, 0, withoutDigest.length);
    CodedOutputStream tail = CodedOutputStream.newInstance(out, withoutDigest.length, field);
    try {
      tail.writeByteArray(Catalog.DIGEST_FIELD_NUMBER, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tail.checkNoSpaceLeft();
    return out;
  }
}
