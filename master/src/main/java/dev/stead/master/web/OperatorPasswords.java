package dev.stead.master.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Operator logins for the dashboard, in one owner-only file ({@code DATA/operators}): one
 * line per operator, {@code name:iterations:salt:hash}, PBKDF2-HMAC-SHA256 with a 16-byte
 * random salt. The master re-reads the file on every login, so {@code stead operator add}
 * takes effect without a restart. Thread-safe (writes replace the file atomically).
 */
public final class OperatorPasswords {
  public static final String FILE = "operators";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
  private static final int ITERATIONS = 210_000;
  private static final int MIN_LENGTH = 12;
  private static final byte[] NO_SALT = "stead-no-operator".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NO_MATCH = new byte[32];
  private final Path file;

  public OperatorPasswords(Path dataDir) {
    this.file = dataDir.resolve(FILE);
  }

  /**
   * Adds or replaces {@code name}'s password.
   *
   * @throws IllegalArgumentException when the name or the password is unacceptable
   */
  public synchronized void put(String name, char[] password) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("operator name '" + name
          + "' must be lower-case letters, digits, '.', '_' or '-', starting with a letter");
    }
    if (password.length < MIN_LENGTH) {
      throw new IllegalArgumentException("the password must have at least " + MIN_LENGTH
          + " characters");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Map<String, String> lines = read();
    lines.put(name, name + ":" + ITERATIONS + ":" + b64(salt) + ":"
        + b64(hash(password, salt, ITERATIONS)));
    write(lines);
  }

  /** The operators' names, in the order they were first added. */
  public List<String> names() throws IOException {
    return List.copyOf(read().keySet());
  }

  /**
   * Removes {@code name}: it can no longer log in, and its open sessions end (they are bound
   * to its entry).
   *
   * @return false when there was no such operator (nothing is written)
   */
  public synchronized boolean remove(String name) throws IOException {
    Map<String, String> lines = read();
    if (lines.remove(name) == null) {
      return false;
    }
    write(lines);
    return true;
  }

  private void write(Map<String, String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    lines.values().forEach(l -> text.append(l).append('\n'));
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".operators-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Whether {@code password} is {@code name}'s. An unknown name costs the same hash as a
   * known one (against a fixed salt and hash that match nothing), so the time of the answer
   * does not tell which names exist.
   */
  public boolean verify(String name, char[] password) {
    String line;
    try {
      line = read().get(name);
    } catch (IOException e) {
      line = null;
    }
    String[] parts = line == null ? new String[0] : line.split(":");
    if (parts.length == 4) {
      try {
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = hash(password, Base64.getDecoder().decode(parts[2]),
            Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
      } catch (IllegalArgumentException e) {
        // A damaged entry: answer like an unknown name.
      }
    }
    MessageDigest.isEqual(NO_MATCH, hash(password, NO_SALT, ITERATIONS));
    return false;
  }

  /**
   * {@code name}'s stored entry (salt and hash), which signed sessions are bound to: a new
   * password or a removed operator ends that operator's sessions. Empty for unknown names or
   * an unreadable file.
   */
  Optional<String> entry(String name) {
    try {
      return Optional.ofNullable(read().get(name));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The directory holding the operators file (the master's data directory). */
  Path directory() {
    return file.getParent();
  }

  private Map<String, String> read() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line);
      }
    }
    return out;
  }

  private static byte[] hash(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
            .getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
