package dev.stead.wire;

import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret as authors write it: {@code ENC[stead:v1:<key id>:<keyed hash>:<base64>]}, the
 * plaintext encrypted with the master key (AES-256-GCM; the base64 holds the 12-byte nonce
 * and the ciphertext with its tag). Holds no plaintext and prints as {@code [secret]}, so it
 * can travel through the compiler, logs and errors. In a catalog it becomes a
 * {@link SecretRef} (key id and keyed hash only).
 *
 * <p>The compiler runs in the master's JVM: every blob parsed there is remembered by its
 * keyed hash ({@link #remembered}), so the master can open it again when it serves the
 * catalog, without the ciphertext entering the catalog or its digest. Immutable.
 */
public final class SecretBlob {
  /** What {@link #toString()} and redacted reports show. */
  public static final String REDACTED = "[secret]";
  private static final Pattern FORMAT = Pattern.compile(
      "ENC\\[stead:v1:([0-9a-f]{16}):([0-9a-f]{64}):([A-Za-z0-9+/]+={0,2})\\]");
  /** A regular expression for {@link #REDACTED} or a {@linkplain #render rendered reference}. */
  public static final String MARK_REGEX = "\\[secret(?: [0-9a-f]{16}:[0-9a-f]{64})?\\]";
  private static final Pattern MARK = Pattern.compile(MARK_REGEX);
  private static final Map<String, SecretBlob> SEEN = new ConcurrentHashMap<>();

  private final String keyId;
  private final String keyedHash;
  private final byte[] sealed;

  private SecretBlob(String keyId, String keyedHash, byte[] sealed) {
    this.keyId = keyId;
    this.keyedHash = keyedHash;
    this.sealed = sealed;
  }

  /** A blob from its parts; {@code sealed} is nonce followed by ciphertext and tag. */
  public static SecretBlob of(String keyId, String keyedHash, byte[] sealed) {
    String text = "ENC[stead:v1:" + keyId + ":" + keyedHash + ":"
        + Base64.getEncoder().encodeToString(sealed) + "]";
    return parse(text);
  }

  /** True when {@code text} is shaped like a blob (whitespace around it allowed). */
  public static boolean looksLike(String text) {
    if (!text.contains("ENC[")) { // cheap first: lookup calls this on every data string
      return false;
    }
    return FORMAT.matcher(text.strip()).matches();
  }

  /**
   * Parses {@code text} and remembers the blob by its keyed hash (the last one parsed wins).
   *
   * @throws IllegalArgumentException naming the expected format, never echoing the input
   */
  public static SecretBlob parse(String text) {
    Objects.requireNonNull(text, "secret");
    Matcher m = FORMAT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("a secret must be an encrypted blob "
          + "'ENC[stead:v1:…]' as printed by `stead secret encrypt` (got "
          + text.length() + " characters that are not one)");
    }
    byte[] sealed = Base64.getDecoder().decode(m.group(3));
    if (sealed.length < 12 + 16) {
      throw new IllegalArgumentException("the encrypted secret is truncated ("
          + sealed.length + " bytes)");
    }
    SecretBlob blob = new SecretBlob(m.group(1), m.group(2), sealed);
    // The latest wins: a damaged blob parsed once must not shadow a good one for good.
    SEEN.put(blob.keyedHash, blob);
    return blob;
  }

  /** The blob last parsed in this JVM with {@code keyedHash}, else null. */
  public static SecretBlob remembered(String keyedHash) {
    return SEEN.get(keyedHash);
  }

  public String keyId() {
    return keyId;
  }

  public String keyedHash() {
    return keyedHash;
  }

  /** Nonce (12 bytes) then ciphertext and GCM tag. */
  public byte[] sealed() {
    return sealed.clone();
  }

  /** The text form authors paste: {@code ENC[stead:v1:…]}. */
  public String text() {
    return "ENC[stead:v1:" + keyId + ":" + keyedHash + ":"
        + Base64.getEncoder().encodeToString(sealed) + "]";
  }

  public SecretRef ref() {
    return SecretRef.newBuilder().setKeyId(keyId).setKeyedHash(keyedHash).build();
  }

  public Value toValue() {
    return Value.newBuilder().setSecretValue(ref()).build();
  }

  /**
   * True when {@code text} is exactly what stands for a secret ({@link #REDACTED} or a
   * {@linkplain #render rendered reference}): it names a secret and holds none of it.
   */
  public static boolean isMark(String text) {
    return MARK.matcher(text).matches();
  }

  /** How a reference is shown wherever a value is rendered: never the plaintext. */
  public static String render(SecretRef ref) {
    return "[secret " + ref.getKeyId() + ":" + ref.getKeyedHash() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretBlob b && b.keyedHash.equals(keyedHash) && b.keyId.equals(keyId);
  }

  @Override
  public int hashCode() {
    return keyedHash.hashCode();
  }

  /** Never the plaintext (which this object does not hold) nor the ciphertext. */
  @Override
  public String toString() {
    return REDACTED;
  }
}
