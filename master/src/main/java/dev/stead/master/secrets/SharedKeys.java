package dev.stead.master.secrets;

import dev.stead.master.storage.SharedState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys every master on a shared store must have alike (the secrets key, the dashboard session
 * key), kept in the database wrapped (AES-256-GCM) by a key-encryption key that each master is
 * given in a file ({@code --shared-key-file}): 32 random bytes, base64, mode 0600, the same
 * file on every master. The database alone never opens them; whoever has the database and the
 * file does. Thread-safe.
 */
public final class SharedKeys {
  private static final String PREFIX = "keys/";
  private static final int KEY_BYTES = 32;
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec wrapping;
  private final SharedState shared;
  private final Path file;

  private SharedKeys(byte[] wrapping, SharedState shared, Path file) {
    this.wrapping = new SecretKeySpec(wrapping, "AES");
    this.shared = shared;
    this.file = file;
  }

  /**
   * Reads the key-encryption key from {@code file}.
   *
   * @throws IOException naming the file when it is missing, readable by others, or not 32
   *     base64 bytes
   */
  public static SharedKeys open(Path file, SharedState shared) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("--shared-key-file " + file + " does not exist; make it once with"
          + " `head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE` and give every master"
          + " a copy");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw new IOException("--shared-key-file " + file + " is readable by others: chmod 600 it");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException("--shared-key-file " + file + " is not base64");
    }
    if (key.length != KEY_BYTES) {
      throw new IOException("--shared-key-file " + file + " holds " + key.length + " bytes,"
          + " expected " + KEY_BYTES);
    }
    return new SharedKeys(key, shared, file);
  }

  /**
   * The 32-byte key called {@code name}: unwrapped from the store, or, when the store has
   * none yet, {@code initial} wrapped and stored (the first master to store one wins; the
   * others read it).
   *
   * @throws IOException when the stored key does not open with this master's file
   */
  public byte[] key(String name, Supplier<byte[]> initial) throws IOException {
    String stored = shared.sharedValue(PREFIX + name).orElse(null);
    if (stored == null) {
      stored = shared.putSharedValueIfAbsent(PREFIX + name, wrap(name, initial.get()));
    }
    return unwrap(name, stored);
  }

  /** 32 fresh random bytes (a new key). */
  public static byte[] fresh() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  private String wrap(String name, byte[] key) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, name).doFinal(key);
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed: " + e, e);
    }
  }

  private byte[] unwrap(String name, String stored) throws IOException {
    try {
      byte[] in = Base64.getDecoder().decode(stored);
      return cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(in, NONCE), name)
          .doFinal(in, NONCE, in.length - NONCE);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("the " + name + " in the shared store does not open with"
          + " --shared-key-file " + file + ": every master needs the same file");
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String name) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, wrapping, new GCMParameterSpec(128, nonce));
    // Bound to its name: a wrapped key cannot be moved to stand for another.
    cipher.updateAAD(("stead shared key v1:" + name).getBytes(StandardCharsets.US_ASCII));
    return cipher;
  }
}
