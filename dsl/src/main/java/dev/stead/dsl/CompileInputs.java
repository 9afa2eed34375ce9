package dev.stead.dsl;

import com.google.protobuf.CodedOutputStream;
import dev.stead.dsl.internal.FactReads;
import dev.stead.wire.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A digest of what a compile's catalog depends on beyond the code: the node name, its
 * trusted data, and the values observed at the paths the compile read. Equal inputs give
 * equal digests in any process (values in the catalog wire form, maps in key order), so a
 * digest written by one master is checked by another. Stateless.
 */
final class CompileInputs {
  private static final byte ABSENT = 0;
  private static final byte A_MAP = 1;
  private static final byte NULL = 2;
  private static final byte VALUE = 3;

  private CompileInputs() {}

  /** The SHA-256 of these inputs; empty when an observed value has no wire form. */
  static Optional<byte[]> sha256(String node, Trusted trusted, List<Object> observed) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    text(sha, node);
    text(sha, trusted.certname());
    for (Map.Entry<String, String> e : new TreeMap<>(trusted.extensions()).entrySet()) {
      text(sha, e.getKey());
      text(sha, e.getValue());
    }
    sha.update((byte) 0xff);
    for (Object value : observed) {
      if (value == FactReads.ABSENT) {
        sha.update(ABSENT);
      } else if (value == FactReads.A_MAP) {
        sha.update(A_MAP);
      } else if (value == null) {
        sha.update(NULL);
      } else {
        byte[] wire;
        try {
          wire = deterministic(Values.of(value));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
        sha.update(VALUE);
        length(sha, wire.length);
        sha.update(wire);
      }
    }
    return Optional.of(sha.digest());
  }

  private static void text(MessageDigest sha, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    length(sha, bytes.length);
    sha.update(bytes);
  }

  private static void length(MessageDigest sha, int length) {
    sha.update((byte) (length >>> 24));
    sha.update((byte) (length >>> 16));
    sha.update((byte) (length >>> 8));
    sha.update((byte) length);
  }

  /** Map entries in key order, so equal values give equal bytes. */
  private static byte[] deterministic(com.google.protobuf.Message value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.getSerializedSize());
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.useDeterministicSerialization();
    try {
      value.writeTo(coded);
      coded.flush();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return out.toByteArray();
  }
}
