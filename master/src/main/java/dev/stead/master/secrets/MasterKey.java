package dev.stead.master.secrets;

import dev.stead.master.ca.PrivateFiles;
import dev.stead.wire.SecretBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master's secrets key: 32 random bytes in {@code DATA/secrets/master.key} (base64, mode
 * 0600, directory 0700), created on first use. Two keys are derived from it with
 * HMAC-SHA-256, one to encrypt (AES-256-GCM, the blob's header as associated data) and one
 * for the keyed hash that stands for a secret in catalogs. Its id is the first 8 bytes of its
 * SHA-256, in hex. Immutable and thread-safe.
 */
public final class MasterKey {
  /** Where the key lives under the master's data directory. */
  public static final String FILE = "secrets/master.key";
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final byte[] raw;
  private final byte[] encryptionKey;
  private final byte[] hashKey;

  private MasterKey(byte[] key) throws GeneralSecurityException {
    this.raw = key.clone();
    this.id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
    this.encryptionKey = hmac(key, "stead secret encryption v1".getBytes(StandardCharsets.UTF_8));
    this.hashKey = hmac(key, "stead secret keyed hash v1".getBytes(StandardCharsets.UTF_8));
  }

  /** Loads the key of {@code dataDir}, creating it (owner-only) when there is none. */
  public static synchronized MasterKey loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      PrivateFiles.ownerOnlyDirectory(file.getParent());
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      PrivateFiles.writeSecret(file, Base64.getEncoder().encodeToString(fresh) + "\n");
    } else {
      PrivateFiles.tightenSecret(file);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(file).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a Stead secrets key (not base64)");
    }
    if (key.length != 32) {
      throw new IOException(file + " is not a Stead secrets key (" + key.length
          + " bytes, expected 32)");
    }
    try {
      return new MasterKey(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-256/HMAC", e);
    }
  }

  /**
   * The secrets key every master on a shared store uses, from {@code keys}. The first master
   * to store it offers the key of its data directory when it has one, so what was encrypted
   * with it still decrypts.
   *
   * @throws IOException when this data directory holds another key than the shared one
   *     (secrets encrypted with it would decrypt on no master)
   */
  public static MasterKey shared(Path dataDir, SharedKeys keys) throws IOException {
    Path file = dataDir.resolve(FILE);
    byte[] local = Files.exists(file) ? loadOrCreate(dataDir).raw : null;
    byte[] key = keys.key("secrets key", () -> local != null ? local : SharedKeys.fresh());
    if (local != null && !MessageDigest.isEqual(local, key)) {
      throw new IOException(file + " is another secrets key than the one the masters share:"
          + " what was encrypted with it decrypts on no master; encrypt those secrets again"
          + " (stead secret encrypt) and move the file away");
    }
    return of(key);
  }

  private static MasterKey of(byte[] key) {
    try {
      return new MasterKey(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-256/HMAC", e);
    }
  }

  public String id() {
    return id;
  }

  /** Lower-case hex HMAC-SHA-256 of {@code plaintext} under the derived hash key. */
  public String keyedHash(byte[] plaintext) {
    try {
      return HexFormat.of().formatHex(hmac(hashKey, plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  /** Encrypts {@code plaintext} into a blob for data files or {@code secret(...)}. */
  public SecretBlob encrypt(byte[] plaintext) {
    String hash = keyedHash(plaintext);
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, hash);
      byte[] ct = cipher.doFinal(plaintext);
      byte[] sealed = new byte[NONCE + ct.length];
      System.arraycopy(nonce, 0, sealed, 0, NONCE);
      System.arraycopy(ct, 0, sealed, NONCE, ct.length);
      return SecretBlob.of(id, hash, sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed: " + e, e);
    }
  }

  /**
   * Opens {@code blob}, checking that it was made with this key and that the plaintext
   * matches its keyed hash.
   *
   * @throws IllegalArgumentException naming the problem, never the content
   */
  public byte[] decrypt(SecretBlob blob) {
    if (!blob.keyId().equals(id)) {
      throw new IllegalArgumentException("secret " + blob.keyedHash().substring(0, 12)
          + "… was encrypted with key " + blob.keyId() + ", this master's key is " + id);
    }
    byte[] sealed = blob.sealed();
    byte[] plaintext;
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE,
          Arrays.copyOf(sealed, NONCE), blob.keyedHash());
      plaintext = cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("secret " + blob.keyedHash().substring(0, 12)
          + "… does not decrypt with key " + id + " (altered or corrupt)");
    }
    if (!MessageDigest.isEqual(keyedHash(plaintext).getBytes(StandardCharsets.US_ASCII),
        blob.keyedHash().getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("secret " + blob.keyedHash().substring(0, 12)
          + "… does not match its keyed hash");
    }
    return plaintext;
  }

  private Cipher cipher(int mode, byte[] nonce, String hash) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(encryptionKey, "AES"), new GCMParameterSpec(128, nonce));
    // The header is bound to the ciphertext: a blob cannot be relabelled with another hash.
    cipher.updateAAD(("stead:v1:" + id + ":" + hash).getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
